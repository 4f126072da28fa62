package org.imagegen.provider;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DownloadHostsTest {

    @Test
    void allowsTheProvidersOwnHostEvenOnLoopback() {
        DownloadHosts hosts = new DownloadHosts("http://127.0.0.1:8080/v1", List.of());
        assertThat(hosts.refusal("http://127.0.0.1:8080/v1/images/full/a.jpg")).isNull();
        assertThat(hosts.refusal("http://localhost:8080/v1/images/full/a.jpg")).contains("not an allowed download host");
    }

    @Test
    void allowsListedHostsAndRefusesEverythingElse() {
        DownloadHosts hosts = new DownloadHosts("https://api.example.test", List.of("cdn.example.test", " *.8.8.8 "));
        assertThat(hosts.refusal("https://cdn.example.test/a.png")).isNull();
        assertThat(hosts.refusal("https://CDN.example.test/a.png")).isNull();
        assertThat(hosts.refusal("https://8.8.8.8/a.png")).isNull();   // wildcard match, public address
        assertThat(hosts.refusal("https://evil.test/a.png")).contains("evil.test");
        assertThat(hosts.refusal("ftp://cdn.example.test/a.png")).contains("http(s)");
        assertThat(hosts.refusal("not a url")).isNotNull();
    }

    @Test
    void aWildcardMustNotLeadToAnInternalAddressButAnExactListingMay() {
        DownloadHosts wildcard = new DownloadHosts("https://api.example.test", List.of("*.0.0.1"));
        assertThat(wildcard.refusal("http://127.0.0.1/latest/meta-data")).contains("internal address 127.0.0.1");
        DownloadHosts exact = new DownloadHosts("https://api.example.test", List.of("127.0.0.1"));
        assertThat(exact.refusal("http://127.0.0.1/images/a.png")).isNull();
    }

    @Test
    void theShippedRenderNetHostsAllowItsS3BucketAndNoOtherBucket() {
        DownloadHosts hosts = new DownloadHosts("https://api.rendernet.ai",
                List.of("redernet-image-data.s3.amazonaws.com", "*.rendernet.ai"));
        assertThat(hosts.refusal("https://redernet-image-data.s3.amazonaws.com/prod/user_generated/u1/img_1.png")).isNull();
        assertThat(hosts.refusal("https://someone-else.s3.amazonaws.com/x.png")).contains("not an allowed download host");
        assertThat(hosts.refusal("http://localhost:8080/media/a.png")).contains("not an allowed download host");
    }
}
