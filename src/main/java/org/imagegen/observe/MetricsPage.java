package org.imagegen.observe;

import java.util.Locale;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The page at /observe/metrics (routes/api.camel.yaml): the Micrometer registry written in the format the scraper's
 * Accept header prefers. OpenMetrics when {@code application/openmetrics-text} ranks first (by q, then by order, as
 * Prometheus asks for it), otherwise the Prometheus text format 0.0.4 - also for {@code text/plain} with or without
 * parameters, {@code *}{@code /*}, no Accept at all, and media types neither format matches (the protobuf format
 * prom2json asks first, or anything else): a scraper always gets metrics, as Prometheus' own client libraries answer.
 * Camel's own endpoint could not be used: it answers 406 to every Accept but {@code *}{@code /*} and its one exact
 * media type.
 */
public class MetricsPage {

    /** The content types of the two writers the registry picks by these names (Prometheus' client library). */
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Runnable beforeScrape;

    public MetricsPage(PrometheusMeterRegistry registry) {
        this(registry, () -> { });
    }

    /** {@code beforeScrape}: brings series read from elsewhere up to date (a new spend series joins this scrape). */
    public MetricsPage(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        this.beforeScrape = beforeScrape;
    }

    /** The Content-Type to answer with: {@link #TEXT} or {@link #OPENMETRICS}. */
    public String contentType(String accept) {
        return prefersOpenMetrics(accept) ? OPENMETRICS : TEXT;
    }

    /** Every series, written in the format of the given content type (one {@link #contentType} chose). */
    public String scrape(String contentType) {
        beforeScrape.run();
        return registry.scrape(OPENMETRICS.equals(contentType) ? OPENMETRICS : TEXT);
    }

    static boolean prefersOpenMetrics(String accept) {
        if (accept == null) {
            return false;
        }
        Range openMetrics = null;
        Range text = null;
        String[] ranges = accept.split(",");
        for (int i = 0; i < ranges.length; i++) {
            String[] parts = ranges[i].split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            // each format takes its quality from the most specific range that matches it (the first of equals);
            // */* matches only the text format, which is the default
            int forOpenMetrics = switch (type) {
                case "application/openmetrics-text" -> 2;
                case "application/*" -> 1;
                default -> 0;
            };
            int forText = switch (type) {
                case "text/plain" -> 3;
                case "text/*" -> 2;
                case "*/*" -> 1;
                default -> 0;
            };
            if (forOpenMetrics > 0 && (openMetrics == null || forOpenMetrics > openMetrics.specificity())) {
                openMetrics = new Range(forOpenMetrics, quality(parts), i);
            }
            if (forText > 0 && (text == null || forText > text.specificity())) {
                text = new Range(forText, quality(parts), i);
            }
        }
        if (openMetrics == null || openMetrics.q() == 0) {
            return false;
        }
        return text == null || openMetrics.q() > text.q()
                || openMetrics.q() == text.q() && openMetrics.position() < text.position();
    }

    private record Range(int specificity, double q, int position) {
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String p = parameters[i].strip();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(p.substring(2).strip());
                    return q < 0 || q > 1 || Double.isNaN(q) ? 0 : q;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
