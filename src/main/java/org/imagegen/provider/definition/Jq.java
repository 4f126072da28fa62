package org.imagegen.provider.definition;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.exception.JsonQueryUserException;
import org.imagegen.provider.HttpReply;

/**
 * One jq expression of a definition, compiled once when the definition is read. It is jackson-jq, the engine behind
 * Camel's own {@code jq} language (camel-jq), used directly: the provider mapping runs on JSON trees in a plain bean,
 * outside any exchange, and camel-jq's {@code JqExpression} wants an exchange and a context to evaluate.
 */
final class Jq {

    /** jq 1.6's built-in functions, loaded once; each evaluation gets a child scope of its own. */
    private static final Scope ROOT = root();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String property;
    private final String source;
    private final JsonQuery query;
    /** Variables every evaluation sees (a definition's settings: {@code $imageMode}, {@code $baseUrl}). */
    private final Map<String, JsonNode> constants;

    private Jq(String property, String source, JsonQuery query, Map<String, JsonNode> constants) {
        this.property = property;
        this.source = source;
        this.query = query;
        this.constants = constants;
    }

    /**
     * The same expression with {@code constants} bound as jq variables in every evaluation (variables given to one
     * evaluation win); null stays null.
     */
    static Jq bound(Jq jq, Map<String, JsonNode> constants) {
        if (jq == null) {
            return null;
        }
        Map<String, JsonNode> all = new HashMap<>(jq.constants);
        all.putAll(constants);
        return new Jq(jq.property, jq.source, jq.query, Map.copyOf(all));
    }

    /** Compiles a definition's expression; a syntax error names the property. Null for a blank expression. */
    static Jq compile(String property, String source) {
        if (source == null || source.isBlank()) {
            return null;
        }
        try {
            return new Jq(property, source, JsonQuery.compile(source.strip(), Versions.JQ_1_6), Map.of());
        } catch (JsonQueryException e) {
            throw new IllegalArgumentException(property + ": '" + source.strip() + "' is not a jq expression: "
                    + e.getMessage(), e);
        }
    }

    /** The expression's first output (null for none); an error at run time names the property. */
    JsonNode first(JsonNode input) {
        return first(input, Map.of());
    }

    /**
     * As {@link #first(JsonNode)}, with jq variables ({@code $name}) bound for this evaluation: an expression that
     * reads an answer gets {@link #answer the URL called and the HTTP code}.
     */
    JsonNode first(JsonNode input, Map<String, JsonNode> variables) {
        List<JsonNode> out = new ArrayList<>(1);
        Scope scope = Scope.newChildScope(ROOT);
        constants.forEach(scope::setValue);
        variables.forEach(scope::setValue);
        try {
            query.apply(scope, input == null || input.isMissingNode() ? NullNode.getInstance() : input, out::add);
        } catch (JsonQueryUserException e) {
            // the definition's own error("...") says what is wrong in its words: not the expression again
            throw new IllegalStateException(e.getMessage(), e);
        } catch (JsonQueryException e) {
            throw new IllegalStateException(property + " (" + source.strip() + ") failed: " + e.getMessage(), e);
        }
        return out.isEmpty() ? NullNode.getInstance() : out.get(0);
    }

    /** The first output as text, or null when it is null, absent or an empty string. */
    String text(JsonNode input) {
        return text(input, Map.of());
    }

    /** As {@link #text(JsonNode)}, with jq variables bound. */
    String text(JsonNode input, Map<String, JsonNode> variables) {
        JsonNode value = first(input, variables);
        if (value == null || value.isNull() || value.isMissingNode() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    /** Whether the first output is jq-true: anything but null, false or no output. */
    boolean truthy(JsonNode input, Map<String, JsonNode> variables) {
        JsonNode value = first(input, variables);
        return !(value == null || value.isNull() || value.isMissingNode() || value.isBoolean() && !value.asBoolean());
    }

    /**
     * The variables of every expression that reads a provider's answer: {@code $url}, the URL that was called
     * (null when not known), and {@code $status}, the answer's HTTP code.
     */
    static Map<String, JsonNode> answer(String url, int status) {
        return Map.of("url", url == null ? NullNode.getInstance() : TextNode.valueOf(url),
                "status", IntNode.valueOf(status));
    }

    /** The variables for an expression that reads {@code reply}. */
    static Map<String, JsonNode> answer(HttpReply reply) {
        return answer(reply.url(), reply.status());
    }

    /** A request body an expression made, as the text sent. */
    static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a provider request", e);
        }
    }

    /** An answer's body as an expression reads it: parsed JSON, missing (read as null) when it is none. */
    static JsonNode body(HttpReply reply) {
        return reply.json();
    }

    private static Scope root() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        // jq has @uri to encode but nothing to decode: an id taken back out of a URL needs it (an image id read from its URL)
        scope.addFunction("urldecode", 0, (s, args, in, path, output, version) -> {
            if (!in.isTextual()) {
                throw new JsonQueryException("urldecode: " + in.getNodeType().name().toLowerCase() + " is not a string");
            }
            try {
                output.emit(TextNode.valueOf(URLDecoder.decode(in.asText().replace("+", "%2B"),
                        StandardCharsets.UTF_8)), null);
            } catch (IllegalArgumentException e) {
                throw new JsonQueryException("urldecode: '" + in.asText() + "' is not URL-encoded: " + e.getMessage());
            }
        });
        return scope;
    }
}
