package org.imagegen.provider.definition;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * Find by list (docs/adding-a-provider.md): a provider that cannot be searched by our key lists its latest
 * generations instead. The definition declares the call ({@code findListPath}, one page of {@code findListPageSize},
 * kept inside the bounds the API documents), which of the listed generations may be the job's
 * ({@code findListItems}: id and creation time) and whether the page is the whole list ({@code findListComplete}).
 * Which one, if any, is the job's is the job store's decision (one generation created since the create was sent that
 * no job owns, and no other create unsettled): the list never says "not found", as it may lag behind.
 * {@code path}: the list page's path below the base URL, its page size filled in.
 */
record FindByList(String provider, String path, Jq items, Jq complete) {

    /**
     * The definition's list search, or null when it declares none or turns it off ({@code findList: false}). What is
     * declared is checked either way, so switching it on later cannot find a broken definition.
     */
    static FindByList of(String provider, FindProperties d) {
        if (!DefinitionValues.declared(d.getFindListPath(), "findListPath",
                "findListItems, findListPageSize and findListComplete", d.getFindListItems(), d.getFindListPageSize(),
                d.getFindListComplete())) {
            return null;
        }
        if (!blank(d.getFindPath())) {
            throw new IllegalArgumentException("findPath and findListPath: declare one way to find a lost create,"
                    + " by key or by list");
        }
        boolean on = DefinitionValues.on(d.getFindList(), "findList");
        int size = DefinitionValues.number(required(d.getFindListPageSize(), "findListPageSize"), "findListPageSize");
        Integer min = DefinitionValues.number(d.getFindListPageSizeMin(), "findListPageSizeMin");
        Integer max = DefinitionValues.number(d.getFindListPageSizeMax(), "findListPageSizeMax");
        if (min != null && size < min || max != null && size > max) {
            throw new IllegalArgumentException("findListPageSize: " + size + " is outside what the API accepts ("
                    + (min == null ? 1 : min) + " to " + (max == null ? "any" : max)
                    + ", findListPageSizeMin and findListPageSizeMax)");
        }
        String path = d.getFindListPath().strip();
        if (!path.contains("${pageSize}")) {
            throw new IllegalArgumentException("findListPath: '" + path + "' does not ask for a page size (${pageSize})");
        }
        Jq items = Jq.compile("findListItems", required(d.getFindListItems(), "findListItems"));
        Jq complete = Jq.compile("findListComplete", d.getFindListComplete());
        return on ? new FindByList(provider, path.replace("${pageSize}", String.valueOf(size)), items, complete) : null;
    }

    /**
     * The generations listed that may be the job's ({@code request}: our request, {@code $request} to findListItems);
     * a transient error answer is asked again later, any other error, or a page that does not read as a list of
     * generations with their creation times, leaves the create unsettled (a person decides).
     */
    FindResult read(HttpReply reply, ObjectNode request, Function<HttpReply, String> message) {
        if (!reply.isSuccess()) {
            String reason = provider + " answered HTTP " + reply.status() + " to a list of its generations: "
                    + message.apply(reply);
            return reply.isTransient() ? FindResult.retryLater(reason)
                    : FindResult.unknown("could not list " + provider + "'s generations: " + reason);
        }
        Map<String, JsonNode> variables = new HashMap<>(Jq.answer(reply));
        variables.put("request", request);
        JsonNode body = Jq.body(reply);
        try {
            JsonNode listed = items.first(body, variables);
            if (!listed.isArray()) {
                return FindResult.unknown(provider + "'s generation list does not read as a list (findListItems): "
                        + reply.bodyExcerpt());
            }
            List<FindResult.Listed> generations = new ArrayList<>();
            for (JsonNode generation : listed) {
                String id = generation.path("id").isValueNode() && !generation.path("id").isNull()
                        ? generation.path("id").asText() : "";
                Long createdAt = epochMillis(generation.path("createdAt"));
                if (id.isBlank() || createdAt == null) {
                    return FindResult.unknown(provider + "'s generation list holds an entry without an id or a creation"
                            + " time (findListItems): " + reply.bodyExcerpt());
                }
                generations.add(new FindResult.Listed(id, createdAt));
            }
            return FindResult.listed(generations, complete != null && complete.truthy(body, variables));
        } catch (IllegalStateException e) {
            return FindResult.unknown(provider + ": " + e.getMessage());
        }
    }

    /** A creation time: epoch seconds (a number, or a number as text), or an ISO-8601 instant; null for else. */
    static Long epochMillis(JsonNode value) {
        if (value.isNumber()) {
            return Math.round(value.asDouble() * 1000);
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            return null;
        }
        String text = value.asText().strip();
        try {
            return Math.round(Double.parseDouble(text) * 1000);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException notAnInstant) {
                return null;
            }
        }
    }

    /** The list call: a GET of the page, with the key (the path is on the provider's own base URL). */
    ProviderCall call(ProviderUrls urls) {
        return urls.call("GET", urls.url(path), null, null);
    }
}
