package org.imagegen.request;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.imagegen.routing.ProviderRoutes;
import org.imagegen.routing.RouteStep;

/**
 * Turns a raw record into a {@link GenerationRequest}, or into problems that each name the record, the field and
 * the reason. Checks the common fields here and hands provider-specific rules to that provider's {@link ProviderRules}.
 */
public class RequestValidator {

    public static final int MAX_ID_LENGTH = 100;
    /** Letters, digits, dot, dash and underscore: safe as a folder name everywhere, never a path. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> FIELDS = Set.of("id", "provider", "prompt", "negativePrompt", "aspectRatio",
            "count", "seed", "options", "metadata", "sinks", "model");

    /** Sorted keys make the content hash independent of field order. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ProviderRules> providers;
    private final String defaultProvider;
    private final Set<String> sinkNames;
    private final List<String> defaultSinks;
    private final Map<String, List<String>> defaultSinksByProvider;
    /** The operator's routes over providers (imagegen.routes.*); none until set. */
    private ProviderRoutes routes = new ProviderRoutes(Map.of(), Map.of());

    public RequestValidator(List<? extends ProviderRules> providers, String defaultProvider,
                            Set<String> sinkNames, List<String> defaultSinks) {
        this(providers, defaultProvider, sinkNames, defaultSinks, Map.of());
    }

    /** {@code defaultSinksByProvider}: the sinks a request for that provider gets when it names none. */
    public RequestValidator(List<? extends ProviderRules> providers, String defaultProvider,
                            Set<String> sinkNames, List<String> defaultSinks,
                            Map<String, List<String>> defaultSinksByProvider) {
        this.providers = new LinkedHashMap<>();
        providers.forEach(p -> this.providers.put(p.name(), p));
        this.defaultProvider = defaultProvider;
        this.sinkNames = Set.copyOf(sinkNames);
        this.defaultSinks = List.copyOf(defaultSinks);
        this.defaultSinksByProvider = new java.util.concurrent.ConcurrentHashMap<>(defaultSinksByProvider);
    }

    /** A provider that joins after the start (a definition in routes/providers/), before any request is read. */
    public void addProvider(ProviderRules provider) {
        providers.put(provider.name(), provider);
    }

    /** The routes over providers a request may name ({@code "provider": "route:<name>"}) or get by its provider. */
    public void setRoutes(ProviderRoutes routes) {
        this.routes = routes;
    }

    /** The sinks a request for a provider that joined after the start gets when it names none (empty: the global). */
    public void addDefaultSinks(String provider, List<String> sinks) {
        if (!sinks.isEmpty()) {
            defaultSinksByProvider.put(provider, List.copyOf(sinks));
        }
    }

    public Validated validate(RawRecord raw) {
        Problems problems = new Problems(raw.number());
        if (raw.parseError() != null) {
            problems.add(null, raw.parseError());
            return Validated.rejected(problems);
        }
        JsonNode node = raw.node();
        if (node == null || !node.isObject()) {
            problems.add(null, "a request must be a JSON object, not " + describe(node));
            return Validated.rejected(problems);
        }
        String id = id(node, problems);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(name, "unknown field; expected one of " + new TreeSet<>(FIELDS));
            }
        }
        String provider = text(node, "provider", problems);
        if (provider == null) {
            provider = defaultProvider;
        }
        // a route where a provider is named ("route:fast"), or the provider's default route: the job starts at the
        // route's first step, and the request must suit every step
        boolean routeNamed = provider != null && provider.startsWith(ProviderRoutes.PREFIX);
        String route = routeNamed ? provider.substring(ProviderRoutes.PREFIX.length()) : routes.defaultRoute(provider);
        List<RouteStep> steps = routes.steps(route);
        if (routeNamed && steps == null) {
            problems.add("provider", "unknown route '" + printable(route) + "'; configured routes: " + routes.names()
                    + " (imagegen.routes.<name>)");
            provider = null;
        } else if (routeNamed) {
            provider = steps.get(0).provider();
        }
        ProviderRules rules = provider == null ? null : providers.get(provider);
        if (rules == null && provider != null) {
            problems.add("provider", "unknown provider '" + provider + "'; expected one of " + providers.keySet());
        }
        String prompt = text(node, "prompt", problems);
        if (prompt == null ? !node.hasNonNull("prompt") : prompt.isBlank()) {
            problems.add("prompt", "is required and must not be blank");
        }
        String negativePrompt = text(node, "negativePrompt", problems);
        String aspectRatio = text(node, "aspectRatio", problems);
        Long count = integer(node, "count", problems);
        Long seed = integer(node, "seed", problems);
        String model = text(node, "model", problems);
        if (model != null && model.isBlank()) {
            problems.add("model", "must not be blank; leave it out for the provider's default model");
        }
        if (model != null && routeNamed && steps != null) {
            problems.add("model", "a request that names a route names no model: each step of route '" + route
                    + "' carries its own (imagegen.routes." + route + " = " + steps.stream().map(RouteStep::toString)
                    .reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        if (model == null && steps != null) {
            model = steps.get(0).model();
        }
        Map<String, Object> options = object(node, "options", problems);
        Map<String, Object> metadata = object(node, "metadata", problems);
        List<String> sinks = sinks(node, provider == null ? defaultSinks
                : defaultSinksByProvider.getOrDefault(provider, defaultSinks), problems);
        if (count != null && (count < 1 || count > Integer.MAX_VALUE)) {
            problems.add("count", "must be at least 1");
        }
        if (!problems.isEmpty()) {
            return Validated.rejected(problems);
        }
        GenerationRequest draft = new GenerationRequest(id, id == null, provider, prompt, negativePrompt,
                aspectRatio, count == null ? null : count.intValue(), seed, options, metadata, sinks, model, route);
        rules.validate(draft, problems);
        if (steps != null) {
            validateSteps(draft, steps, problems);
        }
        if (!problems.isEmpty()) {
            return Validated.rejected(problems);
        }
        if (id != null) {
            return Validated.accepted(draft);
        }
        return Validated.accepted(new GenerationRequest(contentKey(draft), true, provider, prompt, negativePrompt,
                aspectRatio, draft.count(), seed, options, metadata, sinks, model, route));
    }

    /**
     * A job on a route may reach any of its steps: the request must suit every step's provider and model, or it is
     * rejected now, each problem naming the step, rather than failing at a provider it falls over to.
     */
    private void validateSteps(GenerationRequest request, List<RouteStep> steps, Problems problems) {
        for (int i = 1; i < steps.size(); i++) {
            RouteStep step = steps.get(i);
            ProviderRules rules = providers.get(step.provider());
            Problems own = new Problems(0);
            if (rules == null) {
                problems.add("provider", "route '" + request.route() + "' step " + (i + 1) + ": unknown provider '"
                        + step.provider() + "'");
                continue;
            }
            rules.validate(request.atStep(step.provider(), step.model()), own);
            for (Problem p : own.list()) {
                problems.add(p.field(), "route '" + request.route() + "' step " + (i + 1) + " (" + step + "): "
                        + p.message());
            }
        }
    }

    private String id(JsonNode node, Problems problems) {
        JsonNode value = node.get("id");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isIntegralNumber()) {
            problems.add("id", "must be a string, not " + describe(value));
            return null;
        }
        String id = value.asText();
        problems.identify(printable(id));
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            problems.add("id", "must be 1 to " + MAX_ID_LENGTH + " characters long");
        } else if (id.contains("..") || !SAFE_ID.matcher(id).matches()) {
            problems.add("id", "may hold only letters, digits, '.', '-' and '_', must start with a letter or digit"
                    + " and must not contain '..' (it names the output folder)");
        }
        return id;
    }

    /** Shows an id in an error without letting control characters into logs or error files. */
    private static String printable(String id) {
        StringBuilder out = new StringBuilder();
        id.codePoints().limit(MAX_ID_LENGTH).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private List<String> sinks(JsonNode node, List<String> defaultSinks, Problems problems) {
        JsonNode value = node.get("sinks");
        if (value == null || value.isNull()) {
            return defaultSinks;
        }
        if (!value.isArray()) {
            problems.add("sinks", "must be an array of sink names, not " + describe(value));
            return defaultSinks;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                problems.add("sinks", "must hold sink names (strings), not " + describe(element));
            } else if (!sinkNames.contains(element.asText())) {
                problems.add("sinks", "'" + printable(element.asText()) + "' is not a configured sink; configured: "
                        + new TreeSet<>(sinkNames));
            } else if (!names.contains(element.asText())) {
                names.add(element.asText());
            }
        }
        if (names.isEmpty() && problems.isEmpty()) {
            problems.add("sinks", "must name at least one sink when given");
        }
        return names;
    }

    private static String text(JsonNode node, String field, Problems problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(field, "must be a string, not " + describe(value));
            return null;
        }
        return value.asText();
    }

    private static Long integer(JsonNode node, String field, Problems problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problems.add(field, "must be a whole number, not " + describe(value));
            return null;
        }
        return value.asLong();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode node, String field, Problems problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            problems.add(field, "must be a JSON object, not " + describe(value));
            return Map.of();
        }
        return JSON.convertValue(value, LinkedHashMap.class);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number (" + node.asText() + ")";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    /** "sha-" and 32 hex digits of the SHA-256 of the request's canonical JSON (sorted keys, provider resolved). */
    static String contentKey(GenerationRequest request) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("provider", request.provider());
        canonical.put("prompt", request.prompt());
        canonical.put("negativePrompt", request.negativePrompt());
        canonical.put("aspectRatio", request.aspectRatio());
        canonical.put("count", request.count());
        canonical.put("seed", request.seed());
        canonical.put("options", request.options());
        canonical.put("metadata", request.metadata());
        canonical.put("sinks", request.sinks());
        if (request.model() != null) {
            // only when named: the keys of requests without a model stay what they were before requests had one
            canonical.put("model", request.model());
        }
        if (request.route() != null) {
            // likewise: a request on a route is another request than the same one at its first provider
            canonical.put("route", request.route());
        }
        try {
            byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "sha-" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash request", e);
        }
    }

    /** A validated record: the request, or the problems that rejected it. */
    public record Validated(GenerationRequest request, List<Problem> problems) {

        static Validated accepted(GenerationRequest request) {
            return new Validated(request, List.of());
        }

        static Validated rejected(Problems problems) {
            return new Validated(null, problems.list());
        }

        public boolean isAccepted() {
            return request != null;
        }
    }
}
