package org.imagegen.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /observe/metrics as Prometheus' own tools ask for it, against the real routes/ and config/: the text format for
 * text/plain with or without parameters, for prom2json's Accept and for none; OpenMetrics when it is asked for first,
 * as Prometheus does. With -Dimagegen.test.promtool=true (.ci/run passes it once Debian's prometheus package is
 * installed), Prometheus' promtool checks a live scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
class MetricsFormatsTest {

    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RunningBundle bundle;
    private URI metrics;

    @BeforeAll
    void start() throws Exception {
        bundle = RunningBundle.start(new Folders("metrics-formats").clean().fastBundle());
        metrics = URI.create("http://127.0.0.1:" + bundle.context().hasService(VertxPlatformHttpServer.class).getPort()
                + "/observe/metrics");
    }

    @AfterAll
    void stop() throws Exception {
        bundle.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain;version=0.0.4", "text/plain", "text/plain; charset=utf-8", "*/*",
            // prom2json asks for the protobuf format first
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                    + "text/plain;version=0.0.4;q=0.3",
            "text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5",
            "application/json"})
    void theTextFormat(String accept) {
        HttpResponse<String> response = get(accept);
        assertThat(response.statusCode()).as(accept).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as(accept).hasValue(TEXT);
        assertThat(response.body()).contains("# TYPE imagegen_jobs_due gauge", "routeId=\"check-status\"")
                .doesNotContain("# EOF");
        // the request's headers are not echoed back
        assertThat(response.headers().firstValue("Accept")).isEmpty();
    }

    @Test
    void theTextFormatWithoutAnAcceptHeader() {
        HttpResponse<String> response = get(null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(TEXT);
        assertThat(response.body()).contains("# TYPE imagegen_jobs_due gauge");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/openmetrics-text;version=1.0.0",
            // what Prometheus 2.x sends when it scrapes
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"})
    void openMetricsWhenAskedForFirst(String accept) {
        HttpResponse<String> response = get(accept);
        assertThat(response.statusCode()).as(accept).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as(accept).hasValue(OPENMETRICS);
        assertThat(response.body()).contains("# TYPE imagegen_jobs_due gauge").endsWith("# EOF\n");
    }

    @Test
    void onlyGet() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
    }

    /**
     * promtool (Prometheus 2.42, Debian) parses the scrape and lints it: exit 1 and "error" lines are parse errors,
     * exit 3 lint findings. There must be no error, and no finding on the bundle's own series. Camel's series keep the
     * label names Camel documents (routeId, camelContext, ...), which the linter calls camelCase, and some have no
     * help text: those two findings are allowed on camel_* and app_info (Camel's) and nothing else.
     */
    @Test
    @EnabledIfSystemProperty(named = "imagegen.test.promtool", matches = "true")
    void promtoolChecksALiveScrapeWithoutErrors() throws Exception {
        HttpResponse<String> scrape = get("text/plain;version=0.0.4");
        assertThat(scrape.statusCode()).isEqualTo(200);

        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(promtool.getInputStream()));
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(scrape.body().getBytes(StandardCharsets.UTF_8));
        }
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String report = output.get(10, TimeUnit.SECONDS);

        assertThat(promtool.exitValue()).as(report).isIn(0, 3);
        List<String> findings = report.lines().filter(l -> !l.isBlank()).toList();
        assertThat(findings).noneMatch(l -> l.toLowerCase().contains("error"));
        assertThat(findings).noneMatch(l -> l.startsWith("imagegen_"));
        assertThat(findings).allMatch(l -> (l.startsWith("camel_") || l.startsWith("app_info "))
                && (l.endsWith(" label names should be written in 'snake_case' not 'camelCase'")
                || l.endsWith(" no help text")));
    }

    private HttpResponse<String> get(String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return ApiClient.send(http, request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
