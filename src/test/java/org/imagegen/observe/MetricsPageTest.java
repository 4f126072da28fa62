package org.imagegen.observe;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which format an Accept header gets: OpenMetrics only when it ranks first, the Prometheus text format otherwise. */
class MetricsPageTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "application/openmetrics-text;version=1.0.0",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            // Prometheus 2.x scrapes with this
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            // Prometheus 3.x
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                    + "application/openmetrics-text;version=0.0.1;q=0.4,"
                    + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
                    + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
            "application/openmetrics-text, text/plain",
            "text/plain;q=0.4, APPLICATION/OpenMetrics-Text;q=0.5",
            "application/*"})
    void openMetricsWhenAskedForFirst(String accept) {
        assertThat(MetricsPage.prefersOpenMetrics(accept)).as(accept).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "text/plain;version=0.0.4", "text/plain", "text/plain; charset=utf-8", "text/*",
            // prom2json
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                    + "text/plain;version=0.0.4;q=0.3",
            "text/plain, application/openmetrics-text",
            "text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5",
            "application/openmetrics-text;q=0, text/plain;q=0.1",
            "application/openmetrics-text;q=nonsense",
            "application/json"})
    void theTextFormatOtherwise(String accept) {
        assertThat(MetricsPage.prefersOpenMetrics(accept)).as(accept).isFalse();
        assertThat(MetricsPage.prefersOpenMetrics(null)).isFalse();
    }
}
