package org.imagegen.support;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

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
