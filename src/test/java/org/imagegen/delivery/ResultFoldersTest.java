package org.imagegen.delivery;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobState;
import org.imagegen.request.GenerationRequest;
import org.imagegen.simulator.PromptImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultFoldersTest {

    @TempDir
    Path root;

    private ResultFolders resultFolders(long maxBytes) {
        return new ResultFolders(root.resolve("outbox"), root.resolve("data"), maxBytes);
    }

    private static Job job(String key) {
        Job job = new Job();
        job.setKey(key);
        job.setProvider("rendernet");
        job.setState(JobState.DELIVERED);
        job.setRequest(new GenerationRequest(key, false, "rendernet", "p", null, null, null, null, Map.of(),
                Map.of("team", "a"), List.of("outbox")));
        return job;
    }

    private static ByteArrayInputStream png() {
        return new ByteArrayInputStream(PromptImage.render("hello", 64, 64, 1, "png"));
    }

    @Test
    void stagesAnImageThenPublishesItWithTheManifestLast() throws Exception {
        ResultFolders resultFolders = resultFolders(1_000_000);
        Job job = job("j1");

        StagedImage image = resultFolders.stage(job, 0, 200, png(), "application/octet-stream", "http://x/1");
        resultFolders.publish(job,
                List.of(new JobEvent(JobState.ACCEPTED, 0, null), new JobEvent(JobState.DELIVERED, 5, null)));

        assertThat(image.file()).isEqualTo("1.png");
        assertThat(image.contentType()).isEqualTo("image/png");
        Path folder = root.resolve("outbox/j1");
        assertThat(Files.size(folder.resolve("1.png"))).isEqualTo(image.bytes());
        String manifest = Files.readString(folder.resolve("manifest.json"));
        assertThat(manifest).contains("\"sha256\" : \"" + image.sha256() + "\"").contains("\"team\" : \"a\"")
                .contains("\"state\" : \"DELIVERED\"");
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1.png", "manifest.json");
        }
        assertThat(root.resolve("data/staging/j1")).doesNotExist();
    }

    @Test
    void refusesWhatIsNotAnImageWhateverItsContentType() {
        var html = new ByteArrayInputStream("<html>error</html>".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> resultFolders(1_000_000).stage(job("j2"), 0, 200, html, "image/png", "http://x/1"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("not an image");
    }

    @Test
    void refusesAnImageOverTheLimitAndAnExpiredUrl() {
        assertThatThrownBy(() -> resultFolders(100).stage(job("j3"), 1, 200, png(), "image/png", "http://x/2"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("image 2").hasMessageContaining("larger than 100");
        assertThatThrownBy(() -> resultFolders(1_000_000).stage(job("j3"), 0, 403, png(), "text/html", "http://x/1"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("HTTP 403").hasMessageContaining("expired");
        assertThat(root.resolve("outbox/j3")).doesNotExist();
    }

    @Test
    void neverWritesOutsideItsRoot() {
        assertThatThrownBy(() -> resultFolders(1_000_000).jobFolder("../escape"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
