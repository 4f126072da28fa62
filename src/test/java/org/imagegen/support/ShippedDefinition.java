package org.imagegen.support;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.ProviderDefinition;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A provider definition as shipped in routes/providers/, read without Camel for unit tests of its mapping: the
 * file's bean, its property placeholders resolved from {@code settings} (a key that is not given takes the default
 * written beside it; environment variables are not read).
 */
public final class ShippedDefinition {

    /** The innermost placeholder: {{key}} or {{key:default}}, with no other placeholder inside. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");

    private ShippedDefinition() {
    }

    /** The provider defined in routes/providers/{@code name}.camel.yaml, with these settings. */
    public static DefinedProvider provider(String name, Map<String, String> settings) {
        return new DefinedProvider(name, definition(name, settings));
    }

    @SuppressWarnings("unchecked")
    public static ProviderDefinition definition(String name, Map<String, String> settings) {
        String text;
        try {
            text = Files.readString(Path.of("routes/providers/" + name + ".camel.yaml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Map<String, Object>> file = (List<Map<String, Object>>) new Load(LoadSettings.builder().build())
                .loadFromString(text);
        for (Map<String, Object> entry : file) {
            for (Map<String, Object> bean : (List<Map<String, Object>>) entry.getOrDefault("beans", List.of())) {
                if (name.equals(bean.get("name"))) {
                    ProviderDefinition d = new ProviderDefinition();
                    ((Map<String, Object>) bean.get("properties")).forEach((property, value) ->
                            set(d, property, resolve(String.valueOf(value), settings)));
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("no bean '" + name + "' in routes/providers/" + name + ".camel.yaml");
    }

    private static String resolve(String value, Map<String, String> settings) {
        String resolved = value;
        Matcher m = PLACEHOLDER.matcher(resolved);
        while (m.find()) {
            String inside = m.group(1);
            int colon = inside.startsWith("env:") ? inside.indexOf(':', 4) : inside.indexOf(':');
            String key = colon < 0 ? inside : inside.substring(0, colon);
            String fallback = colon < 0 ? "" : inside.substring(colon + 1);
            String replacement = settings.getOrDefault(key, fallback);
            resolved = resolved.substring(0, m.start()) + replacement + resolved.substring(m.end());
            m = PLACEHOLDER.matcher(resolved);
        }
        return resolved;
    }

    private static void set(ProviderDefinition d, String property, String value) {
        String setter = "set" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
        try {
            Method method = ProviderDefinition.class.getMethod(setter, String.class);
            method.invoke(d, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("ProviderDefinition has no property '" + property + "'", e);
        }
    }
}
