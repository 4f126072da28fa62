package org.imagegen.provider;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;
import org.imagegen.support.ShippedDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How an image download follows redirects: only to allowed hosts, at most five, the key only to the own origin. */
class ProvidersRedirectTest {

    private final ImageProvider rendernet = ShippedDefinition.provider("rendernet",
            "imagegen.providers.rendernet.base-url=https://api.rendernet.ai");
    private final Providers providers = new Providers(List.of(rendernet), Map.of("rendernet",
            new DownloadHosts("https://api.rendernet.ai", List.of("redernet-image-data.s3.amazonaws.com", "*.rendernet.ai"))));

    private static Job job() {
        Job job = new Job();
        job.setKey("j1");
        job.setProvider("rendernet");
        return job;
    }

    @Test
    void anAnswerThatIsNoRedirectEndsTheDownload() {
        ProviderCall call = providers.downloadCall(job(), "https://api.rendernet.ai/media/a.png");
        assertThat(providers.redirect(job(), call, 200, null, null, 0)).isNull();
        assertThat(providers.redirect(job(), call, 304, "/x", null, 0)).isNull();
    }

    @Test
    void followsARelativeOrAbsoluteRedirectToAnAllowedHostWithTheKeyOnlyOnTheOwnOrigin() {
        ProviderCall first = providers.downloadCall(job(), "https://api.rendernet.ai/media/a.png");
        assertThat(first.authenticated()).isTrue();
        ProviderCall same = providers.redirect(job(), first, 302, "/media/b.png", new ByteArrayInputStream(new byte[1]), 0);
        assertThat(same.url()).isEqualTo("https://api.rendernet.ai/media/b.png");
        assertThat(same.method()).isEqualTo("GET");
        ProviderCall s3 = providers.redirect(job(), same, 301,
                "https://redernet-image-data.s3.amazonaws.com/prod/user_generated/u/b.png", null, 1);
        assertThat(s3.url()).startsWith("https://redernet-image-data.s3.amazonaws.com/");
        assertThat(s3.authenticated()).isFalse();
    }

    @Test
    void a307KeepsTheMethodAndBodyAndA303TurnsIntoAGet() {
        ProviderCall post = new ProviderCall("rendernet", "POST", "https://api.rendernet.ai/x", "{\"id\":\"1\"}", true, null);
        ProviderCall kept = providers.redirect(job(), post, 307, "https://api.rendernet.ai/y", null, 0);
        assertThat(kept.method()).isEqualTo("POST");
        assertThat(kept.body()).isEqualTo("{\"id\":\"1\"}");
        ProviderCall get = providers.redirect(job(), post, 303, "https://api.rendernet.ai/y", null, 0);
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.hasBody()).isFalse();
    }

    @Test
    void refusesForGoodARedirectToAHostThatIsNotAllowed() {
        ProviderCall call = providers.downloadCall(job(), "https://api.rendernet.ai/media/a.png");
        assertThatThrownBy(() -> providers.redirect(job(), call, 302, "http://169.254.169.254/latest/meta-data", null, 0))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("host 169.254.169.254 is not an allowed download host")
                .hasMessageContaining("redirected from https://api.rendernet.ai/media/a.png")
                .satisfies(e -> assertThat(((DeliveryException) e).isPermanent()).isTrue());
    }

    @Test
    void followsFiveRedirectsAndRefusesTheSixth() {
        ProviderCall call = providers.downloadCall(job(), "https://api.rendernet.ai/media/a.png");
        for (int hop = 0; hop < 5; hop++) {
            call = providers.redirect(job(), call, 302, "/media/a.png", null, hop);
        }
        ProviderCall last = call;
        assertThatThrownBy(() -> providers.redirect(job(), last, 302, "/media/a.png", null, 5))
                .hasMessageContaining("more than 5 redirects");
    }
}
