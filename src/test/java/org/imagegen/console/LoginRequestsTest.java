package org.imagegen.console;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the console port tells a browser's page navigation from a script's request, and reads HTTP Basic. */
class LoginRequestsTest {

    private static final String CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
            + "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
    private static final String FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Test
    void aBrowsersNavigationPrefersHtmlWhileScriptsDoNot() {
        assertThat(LoginRequests.prefersHtml(CHROMIUM)).isTrue();
        assertThat(LoginRequests.prefersHtml(FIREFOX)).isTrue();
        assertThat(LoginRequests.prefersHtml("application/xhtml+xml")).isTrue();
        assertThat(LoginRequests.prefersHtml("TEXT/HTML; charset=utf-8")).isTrue();
        // curl, a Jolokia client, the jobs page's own fetch, a client sending nothing
        assertThat(LoginRequests.prefersHtml("*/*")).isFalse();
        assertThat(LoginRequests.prefersHtml("application/json")).isFalse();
        assertThat(LoginRequests.prefersHtml("application/json, text/plain, */*")).isFalse();
        assertThat(LoginRequests.prefersHtml(null)).isFalse();
        assertThat(LoginRequests.prefersHtml(" ")).isFalse();
        // HTML named, but not first choice, or refused
        assertThat(LoginRequests.prefersHtml("application/json, text/html;q=0.5")).isFalse();
        assertThat(LoginRequests.prefersHtml("text/html;q=0")).isFalse();
        assertThat(LoginRequests.prefersHtml("text/html;q=oops, */*;q=0.1")).isFalse();
    }

    @Test
    void aNavigationIsNeitherAJsonPathNorARequestWithCredentials() {
        assertThat(LoginRequests.isPageNavigation("/", CHROMIUM, null)).isTrue();
        assertThat(LoginRequests.isPageNavigation("/hawtio/camel/routes", CHROMIUM, null)).isTrue();
        assertThat(LoginRequests.isPageNavigation("/apis", CHROMIUM, null)).isTrue();
        assertThat(LoginRequests.isPageNavigation("/", CHROMIUM, "Basic YTpi")).isFalse();
        for (String path : new String[] {"/api", "/api/jobs", "/api/jobs/x/thumbnails/1", "/hawtio/jolokia",
            "/hawtio/jolokia/", "/hawtio/jolokia/read/java.lang:type=Memory"}) {
            assertThat(LoginRequests.isPageNavigation(path, CHROMIUM, null)).as(path).isFalse();
        }
        assertThat(LoginRequests.isPageNavigation("/", "*/*", null)).isFalse();
    }

    @Test
    void onlyTheBrowsersOwnSameOriginScriptsAreMarkedAsFromAPage() {
        assertThat(LoginRequests.isFromOwnPage("same-origin", "cors")).isTrue();
        assertThat(LoginRequests.isFromOwnPage("same-origin", null)).isTrue();
        assertThat(LoginRequests.isFromOwnPage("same-origin", "navigate")).isFalse();
        assertThat(LoginRequests.isFromOwnPage("cross-site", "cors")).isFalse();
        assertThat(LoginRequests.isFromOwnPage(null, null)).isFalse();
    }

    @Test
    void basicCredentialsAreReadAndAnythingElseIsNone() {
        assertThat(LoginRequests.basic(basic("admin:x", StandardCharsets.UTF_8))).hasValueSatisfying(c -> {
            assertThat(c.user()).isEqualTo("admin");
            assertThat(c.password()).isEqualTo("x");
            assertThat(c.toString()).doesNotContain("x]").contains("admin");
        });
        // a password may hold colons; UTF-8, or ISO-8859-1 from clients that send that
        assertThat(LoginRequests.basic(basic("admin:a:b:ü", StandardCharsets.UTF_8)))
                .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("a:b:ü"));
        assertThat(LoginRequests.basic(basic("admin:grün", StandardCharsets.ISO_8859_1)))
                .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("grün"));
        assertThat(LoginRequests.basic("basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8))))
                .isPresent();
        assertThat(LoginRequests.basic(null)).isEmpty();
        assertThat(LoginRequests.basic("Bearer abc")).isEmpty();
        assertThat(LoginRequests.basic("Basic")).isEmpty();
        assertThat(LoginRequests.basic("Basic !!!")).isEmpty();
        assertThat(LoginRequests.basic(basic("no-colon", StandardCharsets.UTF_8))).isEmpty();
        assertThat(LoginRequests.basic(basic(":no-user", StandardCharsets.UTF_8))).isEmpty();
    }

    private static String basic(String userAndPassword, java.nio.charset.Charset charset) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(charset));
    }
}
