package org.imagegen.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.adobe.testing.s3mock.S3MockApplication;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server in the test JVM (Adobe S3Mock: a real HTTP server speaking the S3 REST API, storing
 * objects under target/), on 127.0.0.1 and a free port, with one bucket; plus a plain AWS SDK client to read back
 * what the bundle wrote.
 */
public final class S3Server implements AutoCloseable {

    private final S3MockApplication server;
    private final S3Client client;

    public S3Server(Path root, String bucket) {
        // S3Mock removes entries from the map it is given: it must be mutable
        server = S3MockApplication.start(new HashMap<>(Map.of(
                S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_INITIAL_BUCKETS, bucket,
                S3MockApplication.PROP_ROOT_DIRECTORY, root.toAbsolutePath().toString(),
                S3MockApplication.PROP_SILENT, true,
                "server.address", "127.0.0.1",
                // the bundle's Artemis and Spring JMS jars are on the test classpath: S3Mock needs neither
                "spring.autoconfigure.exclude", "org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration,"
                        + "org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration",
                "spring.main.banner-mode", "off",
                "logging.level.root", "WARN")));
        client = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getHttpPort();
    }

    public S3Client client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.stop();
    }
}
