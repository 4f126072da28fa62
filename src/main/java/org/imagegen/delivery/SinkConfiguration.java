package org.imagegen.delivery;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Reads the named sinks from configuration and binds what their routes need: {@code imagegen.sinks.names} lists
 * them (Camel's properties cannot be enumerated reliably across files, -D and the environment, so the list is
 * explicit), and each {@code imagegen.sinks.<name>.type} with that type's settings describes one. Binds
 * {@code sinks} and each S3 sink's client. The list and the default sinks are injected; each sink's own keys are
 * read by name (their prefix is the sink's).
 * <p>
 * Applied by BundleConfiguration (see {@link org.imagegen.support.Wiring}) after the providers: the sinks a provider
 * delivers to by default are read per built-in provider, and the request validator and the job steps need the sinks.
 */
public final class SinkConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SinkConfiguration.class);

    /** Each type's settings and their defaults; "" marks a required setting, null an optional empty one. */
    private static final Map<SinkType, Map<String, String>> SETTINGS = Map.of(
            SinkType.FILE, map("root", ""),
            SinkType.S3, map("bucket", "", "prefix", null, "region", "us-east-1", "endpoint", null,
                    "path-style", "false", "access-key", null, "secret-key", null),
            SinkType.SFTP, map("host", "", "port", "22", "path", null, "user", "", "password", null,
                    "private-key-file", null, "private-key-passphrase", null, "known-hosts-file", null,
                    "strict-host-key-checking", "yes", "timeout", "30s"),
            SinkType.HTTP, map("url", "", "secret", "", "timeout", "30s", "connect-timeout", "5s"));
    /** Duration settings, handed to the sink's endpoint in milliseconds as {@code <key>-ms}. */
    private static final Set<String> DURATIONS = Set.of("timeout", "connect-timeout");

    private static final Set<String> SECRET_SETTINGS = Set.of("secret-key", "access-key", "password",
            "private-key-passphrase", "secret");

    @PropertyInject(value = "imagegen.sinks.names", defaultValue = "")
    private String names;
    @PropertyInject(value = "imagegen.sinks.default", defaultValue = "")
    private String defaultSinks;

    private final ResultFolders resultFolders;
    private final Consumer<AutoCloseable> closer;

    /** {@code closer}: closes the S3 clients after the routes. */
    public SinkConfiguration(ResultFolders resultFolders, Consumer<AutoCloseable> closer) {
        this.resultFolders = resultFolders;
        this.closer = closer;
    }

    /** The sinks from configuration; each S3 sink's client is bound and handed to the closer. */
    @BindToRegistry("sinks")
    public Sinks sinks(CamelContext context) {
        List<SinkSpec> specs = new ArrayList<>();
        Set<String> secrets = new HashSet<>();
        for (String name : Settings.list(names.strip())) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
                throw new IllegalArgumentException("imagegen.sinks.names: '" + name + "' is not a valid sink name"
                        + " (letters, digits, - and _, at most 64)");
            }
            String prefix = "imagegen.sinks." + name + ".";
            SinkType type = SinkType.of(prop(context, prefix + "type", ""), prefix + "type");
            Map<String, String> settings = new LinkedHashMap<>();
            SETTINGS.get(type).forEach((key, fallback) -> {
                String value = prop(context, prefix + key, fallback == null ? "" : fallback);
                if (value.isEmpty() && "".equals(fallback)) {
                    throw new IllegalArgumentException(prefix + key + " is required for a sink of type "
                            + type.name().toLowerCase());
                }
                settings.put(key, value);
                if (DURATIONS.contains(key)) {
                    try {
                        settings.put(key + "-ms", Long.toString(Durations.millis(value)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(prefix + key + ": " + e.getMessage(), e);
                    }
                }
                if (SECRET_SETTINGS.contains(key) && !value.isEmpty()) {
                    secrets.add(value);
                }
            });
            SinkSpec spec = new SinkSpec(name, type, new FolderPattern(prop(context, prefix + "folder", "{id}"),
                    prefix + "folder"), settings);
            if (type == SinkType.S3) {
                S3Client client = s3Client(spec);
                context.getRegistry().bind(Sinks.s3ClientBean(name), client);
                closer.accept(client);
            }
            if (type == SinkType.SFTP && spec.get("password").isEmpty() && spec.get("private-key-file").isEmpty()) {
                throw new IllegalArgumentException(prefix + "password or " + prefix + "private-key-file is required");
            }
            specs.add(spec);
            LOG.info("sink {}: {} {} (folders {})", name, type.name().toLowerCase(), spec.location("..."),
                    spec.folder().pattern());
        }
        // each provider's own default sinks (imagegen.providers.<name>.sinks) join when its definition is read
        return new Sinks(specs, Settings.list(defaultSinks.strip()), new LinkedHashMap<>(), resultFolders, secrets);
    }

    private static S3Client s3Client(SinkSpec spec) {
        AwsCredentialsProvider credentials = spec.get("access-key").isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(spec.get("access-key"), spec.get("secret-key")));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(spec.get("region")))
                .credentialsProvider(credentials)
                .forcePathStyle(spec.flag("path-style"))
                // checksums only where S3 requires them: the SDK's newer default (trailing CRC checksums on every
                // upload) is not understood by every S3-compatible store
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!spec.get("endpoint").isEmpty()) {
            builder.endpointOverride(URI.create(spec.get("endpoint")));
        }
        return builder.build();
    }

    private static String prop(CamelContext context, String key, String fallback) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::strip).orElse(fallback);
    }

    private static Map<String, String> map(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
