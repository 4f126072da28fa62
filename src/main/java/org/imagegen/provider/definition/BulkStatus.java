package org.imagegen.provider.definition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;

import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * Bulk status (docs/adding-a-provider.md): a provider that lists its latest generations with their statuses answers
 * many jobs' checks with one call. The definition declares the page ({@code bulkStatusPath}, {@code bulkStatusPageSize},
 * at most {@code bulkStatusPages} per sweep), how a page splits into generations ({@code bulkStatusItems}: each item
 * reads, by statusOutcome, as that generation's own status answer would) and each one's id ({@code bulkStatusId}).
 * A generation the list does not show says nothing: its job is checked on its own, as without bulk status.
 */
public final class BulkStatus {

    /** One page read: the generations it listed by id, and whether it was full (so a next page may hold more). */
    public record Page(Map<String, String> items, boolean full) {
    }

    /** The page: bulkStatusPath, bulkStatusPageSize, bulkStatusPages. */
    private record Paging(String path, int size, int pages) {
    }

    private final String provider;
    private final Paging paging;
    private final Jq items;
    private final Jq id;
    private final ProviderUrls urls;
    /** The provider's status answers' reader: a listed generation reads as its own status answer would. */
    private final StatusReader reader;
    /** A job's own status URL, which a listed generation's answer carries as {@code $url}. */
    private final Function<Job, String> statusUrl;

    private BulkStatus(String provider, Paging paging, Jq items, Jq id, ProviderUrls urls, StatusReader reader,
                       Function<Job, String> statusUrl) {
        this.provider = provider;
        this.paging = paging;
        this.items = items;
        this.id = id;
        this.urls = urls;
        this.reader = reader;
        this.statusUrl = statusUrl;
    }

    /**
     * The definition's bulk status, or null when it declares none or turns it off ({@code bulkStatus: false}). What is
     * declared is checked either way, so switching it on later cannot find a broken definition.
     */
    static BulkStatus of(String provider, BulkStatusProperties d, ProviderUrls urls, StatusReader reader,
                         Function<Job, String> statusUrl) {
        if (!DefinitionValues.declared(d.getBulkStatusPath(), "bulkStatusPath",
                "bulkStatusItems, bulkStatusId, bulkStatusPageSize and bulkStatusPages", d.getBulkStatusItems(),
                d.getBulkStatusId(), d.getBulkStatusPageSize(), d.getBulkStatusPages())) {
            return null;
        }
        boolean on = DefinitionValues.on(d.getBulkStatus(), "bulkStatus");
        String path = d.getBulkStatusPath().strip();
        if (!path.contains("${page}") && !path.contains("${offset}")) {
            throw new IllegalArgumentException("bulkStatusPath: '" + path + "' names no page (${page} or ${offset})");
        }
        int size = DefinitionValues.number(required(d.getBulkStatusPageSize(), "bulkStatusPageSize"),
                "bulkStatusPageSize");
        Integer pages = DefinitionValues.number(d.getBulkStatusPages(), "bulkStatusPages");
        if (size < 1 || pages != null && pages < 1) {
            throw new IllegalArgumentException("bulkStatusPageSize and bulkStatusPages: at least 1");
        }
        Jq items = Jq.compile("bulkStatusItems", required(d.getBulkStatusItems(), "bulkStatusItems"));
        Jq id = Jq.compile("bulkStatusId", required(d.getBulkStatusId(), "bulkStatusId"));
        return on ? new BulkStatus(provider, new Paging(path, size, pages == null ? 1 : pages), items, id, urls, reader,
                statusUrl) : null;
    }

    /** How many pages one sweep reads at most. */
    public int pages() {
        return paging.pages();
    }

    /** The call for page {@code page} (from 1): a GET on the provider's own base URL, with the key. */
    public ProviderCall call(int page) {
        String pagePath = paging.path().replace("${pageSize}", String.valueOf(paging.size()))
                .replace("${page}", String.valueOf(page))
                .replace("${offset}", String.valueOf((page - 1) * paging.size()));
        return urls.call("GET", urls.url(pagePath), null, null);
    }

    /**
     * The generations a page lists, each as the JSON its own status answer would be. An error answer, or a page that
     * does not read as a list of generations with ids, is refused: the sweep ends, and every job is checked on its own.
     */
    public Page read(HttpReply reply) {
        if (!reply.isSuccess()) {
            throw new IllegalStateException(provider + " answered HTTP " + reply.status()
                    + " to the list of its generations (bulkStatusPath): " + reply.bodyExcerpt());
        }
        JsonNode listed = items.first(Jq.body(reply), Jq.answer(reply));
        if (!listed.isArray()) {
            throw new IllegalStateException(provider + "'s generation list does not read as a list (bulkStatusItems): "
                    + reply.bodyExcerpt());
        }
        Map<String, String> byId = new LinkedHashMap<>();
        for (JsonNode item : listed) {
            String generation = id.text(item);
            if (generation == null || generation.isBlank()) {
                throw new IllegalStateException(provider + "'s generation list holds an item without an id"
                        + " (bulkStatusId): " + reply.bodyExcerpt());
            }
            byId.put(generation, item.toString());
        }
        return new Page(byId, listed.size() >= paging.size());
    }

    /**
     * A listed generation ({@code item}, as bulkStatusItems gave it) as the answer of the job's own status check, with
     * the job's status URL as {@code $url}, so statusOutcome reads it as it reads that answer.
     */
    public HttpReply answer(Job job, String item) {
        return new HttpReply(200, item, null, "application/json", statusUrl.apply(job));
    }

    /**
     * Whether a listed generation has ended: succeeded, failed, censored, or done with its result still to fetch. An
     * item statusOutcome cannot read has not: its job's own check will say what it is.
     */
    public boolean finished(String item) {
        try {
            StatusCheck check = reader.check(new HttpReply(200, item, null, "application/json", urls.baseUrl()));
            return check.fetch() != null || Set.of(StatusResult.Kind.SUCCEEDED, StatusResult.Kind.FAILED,
                    StatusResult.Kind.CENSORED).contains(check.result().kind());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
