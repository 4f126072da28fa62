package org.imagegen.disk;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.DeliveryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The free-space checks on a real folder, with thresholds below and above its free space. */
class DiskSpaceTest {

    @TempDir
    Path root;

    @Test
    void refusesNamingTheFolderItsFreeSpaceAndTheSettingAndAdmitsAgainWhenThereIsRoom() throws IOException {
        Path data = Files.createDirectories(root.resolve("data"));
        long free = DiskSpace.freeBytes(data);
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("data folder", data);
        folders.put("folder sink outbox", root.resolve("out"));
        DiskSpace disk = new DiskSpace(0, 30_000, folders);
        disk.requireForIntake("file:a.json");
        disk.requireForStaging("job-1");
        disk.requireForSink("outbox");
        assertThat(disk.admitsIntake(List.of("file:a.json"))).isTrue();

        disk.setMinFreeBytes(free * 2 + 1);
        assertThatThrownBy(() -> disk.requireForIntake("file:a.json"))
                .isInstanceOf(LowDiskSpaceException.class)
                .hasMessageContaining(data.toString()).hasMessageContaining("free, below imagegen.disk.min-free-bytes")
                .satisfies(e -> assertThat(((LowDiskSpaceException) e).retryAfterMs()).isEqualTo(30_000));
        assertThatThrownBy(() -> disk.requireForStaging("job-1")).hasMessageStartingWith("cannot stage the images of job job-1: data folder");
        // a sink folder not made yet is asked through its nearest existing parent
        assertThatThrownBy(() -> disk.requireForSink("outbox")).hasMessageStartingWith("cannot write to sink outbox: folder sink outbox");
        assertThat(disk.admitsIntake(List.of("file:a.json", "file:b.json"))).isFalse();
        assertThat(disk.intakeShortage()).contains("data folder");

        disk.setMinFreeBytes(0);
        assertThat(disk.intakeShortage()).isNull();
        disk.requireForIntake("file:a.json");
    }

    @Test
    void tellsAWriteThatRanOutOfSpaceFromOtherFailures() {
        assertThat(DiskSpace.isShortOfSpace(new LowDiskSpaceException("short", 1))).isTrue();
        assertThat(DiskSpace.isShortOfSpace(new DeliveryException("cannot write x",
                new FileSystemException("a", "b", "No space left on device")))).isTrue();
        assertThat(DiskSpace.isShortOfSpace(new RuntimeException(new IOException("Disk quota exceeded")))).isTrue();
        assertThat(DiskSpace.isShortOfSpace(new DeliveryException("image 1 answered HTTP 404"))).isFalse();
        assertThat(DiskSpace.isShortOfSpace(new IOException("Connection refused"))).isFalse();
        assertThat(DiskSpace.isShortOfSpace(new RuntimeException("No space left on device"))).isFalse();
    }

    @Test
    void refusesANegativeThreshold() {
        assertThatThrownBy(() -> new DiskSpace(-1, 1, Map.of())).hasMessageContaining("imagegen.disk.min-free-bytes");
    }
}
