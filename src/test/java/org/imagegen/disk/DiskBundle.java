package org.imagegen.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundle a full-disk test runs (FullDiskTest, TmpfsFullDiskTest) with the log of its disk-space reports, and what
 * both check of a delivery: every image the manifest lists, whole.
 */
final class DiskBundle implements AutoCloseable {

    final RunningBundle bundle;
    final DiskLog log;
    private final Folders folders;

    private DiskBundle(Folders folders, RunningBundle bundle) {
        this.folders = folders;
        this.bundle = bundle;
        this.log = new DiskLog();
    }

    /** The fast test bundle on {@code folders}, with {@code settings} on top. */
    static DiskBundle start(Folders folders, String... settings) throws Exception {
        return new DiskBundle(folders, RunningBundle.start(folders.fastBundle(settings)));
    }

    /** DELIVERED, with every image the manifest lists in the outbox, each with its size and digest. */
    void assertComplete(String id) throws Exception {
        JsonNode manifest = Folders.readJson(folders.manifestPath(id));
        assertThat(manifest.path("state").asText()).as(id).isEqualTo("DELIVERED");
        assertThat(manifest.path("images")).as(id).isNotEmpty();
        for (JsonNode image : manifest.path("images")) {
            Path file = folders.outbox.resolve(id).resolve(image.path("file").asText());
            byte[] bytes = Files.readAllBytes(file);
            assertThat((long) bytes.length).as(file.toString()).isEqualTo(image.path("bytes").asLong());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .as(file.toString()).isEqualTo(image.path("sha256").asText());
        }
    }

    /** Every regular file under {@code root}; none if it does not exist. */
    static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Override
    public void close() throws Exception {
        log.close();
        bundle.close();
    }
}
