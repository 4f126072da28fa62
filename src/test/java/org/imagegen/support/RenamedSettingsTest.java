package org.imagegen.support;

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

    /** A context whose "settings file" (Camel's initial properties, asked last) holds the new key. */
    private static CamelContext context(Properties overrides) {
        CamelContext context = new DefaultCamelContext();
        Properties file = new Properties();
        file.setProperty("imagegen.loop.tick", "200ms");
        file.setProperty("imagegen.http.response-timeout", "30s");
        context.getPropertiesComponent().setInitialProperties(file);
        context.getPropertiesComponent().setOverrideProperties(overrides);
        context.build();
        return context;
    }

    @Test
    void theOldKeyWhenSetWinsOverTheNewKeysDefault() {
        Properties overrides = new Properties();
        overrides.setProperty("imagegen.loop.tick-ms", "50");
        CamelContext context = context(overrides);

        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.loop.tick")).contains("50ms");
        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.loop.tick}}")).isEqualTo("50");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.loop.tick-ms}}")).isEqualTo("50");
    }

    @Test
    void theNewKeyIsReadAndAnswersUnderTheOldNameInMilliseconds() {
        Properties overrides = new Properties();
        overrides.setProperty("imagegen.loop.tick", "2s");
        CamelContext context = context(overrides);

        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.loop.tick}}")).isEqualTo("2000");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.loop.tick-ms}}")).isEqualTo("2000");
        assertThat(context.resolvePropertyPlaceholders("{{millis:imagegen.http.response-timeout}}")).isEqualTo("30000");
        assertThat(context.resolvePropertyPlaceholders("{{imagegen.http.response-timeout-ms}}")).isEqualTo("30000");
    }

    @Test
    void aSinksOldTimeoutKeyIsReadUnderItsNewName() {
        Properties overrides = new Properties();
        overrides.setProperty("imagegen.sinks.notify.timeout-ms", "1500");
        overrides.setProperty("imagegen.sinks.notify.connect-timeout", "2s");
        CamelContext context = context(overrides);

        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.notify.timeout")).contains("1500ms");
        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.notify.connect-timeout-ms"))
                .contains("2000");
        assertThat(context.getPropertiesComponent().resolveProperty("imagegen.sinks.other.timeout")).isEmpty();
    }

    @Test
    void anOldConsoleKeyIsReadUnderItsNewNameAsItIsWithOneWarningThatLeavesTheValueOut() {
        Properties overrides = new Properties();
        overrides.setProperty("imagegen.management.port", "9181");
        overrides.setProperty("imagegen.management.password", "old-secret-value");
        overrides.setProperty("imagegen.console.bind", "0.0.0.0");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(RenamedSettings.class);
        log.start();
        logger.addAppender(log);
        try {
            CamelContext context = context(overrides);

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
        Properties overrides = new Properties();
        overrides.setProperty("imagegen.loop.tick", "soon");
        CamelContext context = context(overrides);

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
