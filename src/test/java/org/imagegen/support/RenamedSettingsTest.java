package org.imagegen.support;

import java.util.Map;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Renamed settings answer under both names; {{millis:key}} hands a duration to Camel options as milliseconds. */
class RenamedSettingsTest {

    /**
     * A context whose "settings file" (Camel's initial properties, asked last) holds the new key, and whose overrides
     * (asked first) are {@code overrides}.
     */
    private static CamelContext context(Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext();
        Properties file = new Properties();
        file.setProperty("imagegen.loop.tick", "200ms");
        file.setProperty("imagegen.http.response-timeout", "30s");
        context.getPropertiesComponent().setInitialProperties(file);
        Properties set = new Properties();
        set.putAll(overrides);
        context.getPropertiesComponent().setOverrideProperties(set);
        context.build();
        return context;
    }

    @Test
    void theOldKeyWhenSetWinsOverTheNewKeysDefault() {
        CamelContext context = context(Map.of("imagegen.loop.tick-ms", "50"));

        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.loop.tick")).contains("50ms");
        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.loop.tick}}")).isEqualTo("50");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.loop.tick-ms}}")).isEqualTo("50");
    }

    @Test
    void theNewKeyIsReadAndAnswersUnderTheOldNameInMilliseconds() {
        CamelContext context = context(Map.of("imagegen.loop.tick", "2s"));

        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.loop.tick}}")).isEqualTo("2000");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.loop.tick-ms}}")).isEqualTo("2000");
        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.http.response-timeout}}")).isEqualTo("30000");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.http.response-timeout-ms}}")).isEqualTo("30000");
    }

    @Test
    void aSinksOldTimeoutKeyIsReadUnderItsNewName() {
        CamelContext context = context(Map.of("imagegen.sinks.notify.timeout-ms", "1500",
                "imagegen.sinks.notify.connect-timeout", "2s"));

        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.notify.timeout")).contains("1500ms");
        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.notify.connect-timeout-ms"))
                .contains("2000");
        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.other.timeout")).isEmpty();
    }

    @Test
    void anOldConsoleKeyIsReadUnderItsNewNameAsItIsWithOneWarningThatLeavesTheValueOut() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(RenamedSettings.class);
        log.start();
        logger.addAppender(log);
        try {
            CamelContext context = context(Map.of("imagegen.management.port", "9181",
                    "imagegen.management.password", "old-secret-value", "imagegen.console.bind", "0.0.0.0"));

            assertThat(context.getPropertiesComponent().resolveProperty("imagegen.console.port")).contains("9181");
            assertThat(context.resolvePropertyPlaceholders("{{imagegen.console.port}}")).isEqualTo("9181");
            assertThat(context.getPropertiesComponent().resolveProperty("imagegen.console.password"))
                    .contains("old-secret-value");
            assertThat(context.getPropertiesComponent().resolveProperty("imagegen.console.user")).isEmpty();
            // the new key answers under the old name as it is (no milliseconds here)
            assertThat(context.resolvePropertyPlaceholders("{{imagegen.management.bind}}")).isEqualTo("0.0.0.0");
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage).containsExactlyInAnyOrder(
                            "setting imagegen.management.port is renamed imagegen.console.port: write that name instead"
                                    + " (the old name still works for now)",
                            "setting imagegen.management.password is renamed imagegen.console.password: write that name"
                                    + " instead (the old name still works for now)");
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aMalformedDurationNamesItsKey() {
        CamelContext context = context(Map.of("imagegen.loop.tick", "soon"));

        assertThatThrownBy(() -> context.resolvePropertyPlaceholders("{{millis:imagegen.loop.tick}}"))
                .hasMessageContaining("imagegen.loop.tick").hasMessageContaining("soon");
    }

    @Test
    void listsAreStrippedWithoutBlanksOrRepeats() {
        assertThat(Settings.list(" a, b,,a ,c ")).containsExactly("a", "b", "c");
        assertThat(Settings.list("  ")).isEmpty();
        assertThat(Settings.list(null)).isEmpty();
    }
}
