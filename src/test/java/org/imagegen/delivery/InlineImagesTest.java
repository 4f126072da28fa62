package org.imagegen.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.request.GenerationRequest;
import org.imagegen.simulator.PromptImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Images sent inside a provider's answer: staged from their data URIs at once, kept out of the job store. */
class InlineImagesTest {

    @TempDir
    Path root;

    private ResultFolders resultFolders() {
        return new ResultFolders(root.resolve("outbox"), root.resolve("data"), 1_000_000);
    }

    private static Job job() {
        Job job = new Job();
        job.setKey("sync-1");
        job.setProvider("pix");
        job.setState(JobState.SUBMITTING);
        job.setRequest(new GenerationRequest("sync-1", false, "pix", "p", null, null, 2, null, Map.of(), Map.of(),
                List.of("outbox")));
        return job;
    }

    private static byte[] png(int seed) {
        return PromptImage.render("inline", 20 + seed, 20, seed, "png");
    }

    private static String dataUri(byte[] bytes) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void everyInlineImageIsStagedAndRecordedAndTheStoreKeepsOnlyItsType() throws Exception {
        ResultFolders resultFolders = resultFolders();
        Job job = job();

        List<String> kept = new InlineImages(resultFolders).stage(job, List.of(dataUri(png(1)), dataUri(png(2))));

        assertThat(kept).containsExactly("data:image/png;base64,", "data:image/png;base64,");
        assertThat(Files.readAllBytes(resultFolders.stagingFolder(job).resolve("1.png"))).isEqualTo(png(1));
        assertThat(Files.readAllBytes(resultFolders.stagingFolder(job).resolve("2.png"))).isEqualTo(png(2));
        assertThat(job.getStaged()).extracting(StagedImage::acquired).containsOnly("inline");
        Job later = job();
        assertThat(resultFolders.loadStaged(later)).as("recorded: a delivery downloads nothing").isTrue();
        assertThat(later.getStaged()).hasSize(2);
    }

    @Test
    void urlsAreLeftAloneAndAMixIsStagedButNotRecordedAsComplete() {
        ResultFolders resultFolders = resultFolders();
        Job job = job();
        InlineImages inline = new InlineImages(resultFolders);

        assertThat(inline.stage(job, List.of("https://cdn/x.png"))).containsExactly("https://cdn/x.png");
        assertThat(resultFolders.stagingFolder(job)).doesNotExist();

        List<String> kept = inline.stage(job, List.of("https://cdn/x.png", dataUri(png(3))));
        assertThat(kept).containsExactly("https://cdn/x.png", "data:image/png;base64,");
        assertThat(resultFolders.loadStaged(job())).as("image 1 still has to be downloaded").isFalse();

        // the delivery takes the staged copy of image 2 up again, without its data
        Job delivering = job();
        StagedImage again = resultFolders.stageInline(delivering, 1, "data:image/png;base64,");
        assertThat(again.number()).isEqualTo(2);
        assertThat(again.bytes()).isEqualTo(png(3).length);
        assertThat(delivering.getStaged()).containsExactly(again);
    }

    @Test
    void badDataFailsForGoodAndAMissingCopyIsNamed() {
        ResultFolders resultFolders = resultFolders();
        InlineImages inline = new InlineImages(resultFolders);

        assertThatThrownBy(() -> inline.stage(job(), List.of("data:image/png;base64,@@@not base64@@@")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("not valid base64")
                .matches(e -> ((DeliveryException) e).isPermanent());
        assertThatThrownBy(() -> inline.stage(job(), List.of("data:image/png;base64,"
                + Base64.getEncoder().encodeToString("hello, not an image".getBytes()))))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("is not an image")
                .hasMessageNotContaining("aGVsbG8").matches(e -> ((DeliveryException) e).isPermanent());
        assertThatThrownBy(() -> inline.stage(job(), List.of("data:image/png,%89PNG")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("not base64");
        assertThatThrownBy(() -> resultFolders.stageInline(job(), 4, "data:image/png;base64,"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("image 5").hasMessageContaining("gone");
    }

    @Test
    void theKeptUriNamesOnlyAPlausibleMediaType() {
        assertThat(InlineImages.withoutData("data:IMAGE/WEBP;base64,AAAA")).isEqualTo("data:image/webp;base64,");
        assertThat(InlineImages.withoutData("data:<script>;base64,AAAA")).isEqualTo("data:;base64,");
        assertThat(InlineImages.withoutData("https://cdn/x.png")).isEqualTo("https://cdn/x.png");
    }
}
