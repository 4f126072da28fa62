package org.imagegen.provider.definition;

import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.method;
import static org.imagegen.provider.definition.DefinitionValues.required;
import static org.imagegen.provider.definition.DefinitionValues.statuses;

/**
 * A defined provider's status checks (docs/adding-a-provider.md, Status and Bulk status): where a job's status is
 * asked (the status URL returned at create, else {@code statusPath}), its answer read by {@link StatusReader}, and the
 * provider's list of generations read in bulk ({@link BulkStatus}) where it offers one. A synchronous definition may
 * declare no status check at all; it is then never asked for one.
 */
final class DefinedStatus {

    private final String provider;
    private final ProviderUrls urls;
    /** Whether the provider returns each generation's status URL at create (createStatusUrl). */
    private final boolean fromCreate;
    private final String path;
    private final String method;
    /** The status answers' reader, or null: the definition declares no status check. */
    private final StatusReader reader;
    /** Bulk status (bulkStatusPath), or null: every job is checked on its own. */
    private final BulkStatus bulk;

    /**
     * {@code settings}: the constants statusOutcome and resultOutcome see ($imageMode, $baseUrl ...); {@code message}:
     * an error answer's message.
     */
    DefinedStatus(String provider, StatusProperties s, BulkStatusProperties bulkStatus, DefinedCreate create,
                  ProviderUrls urls, Map<String, JsonNode> settings, Function<HttpReply, String> message) {
        this.provider = provider;
        this.urls = urls;
        this.fromCreate = create.returnsStatusUrl();
        this.path = s.getStatusPath();
        this.method = method(s.getStatusMethod(), "GET");
        Jq outcome = Jq.bound(Jq.compile("statusOutcome", create.synchronous() ? s.getStatusOutcome()
                : required(s.getStatusOutcome(), "statusOutcome")), settings);
        reader = outcome == null ? null : new StatusReader(provider, outcome,
                Jq.bound(Jq.compile("resultOutcome", s.getResultOutcome()), settings), message, urls::mayCarryKey,
                statuses(s.getResultAnswerStatuses(), "", "resultAnswerStatuses"));
        if (!fromCreate && reader != null) {
            required(path, "statusPath");
        }
        bulk = reader == null ? null
                : BulkStatus.of(provider, bulkStatus, urls, reader, job -> urls.statusUrl(job, fromCreate, path));
    }

    /** Whether the definition declares a status check. */
    boolean declared() {
        return reader != null;
    }

    /** Whether a generation can be checked without a status URL (statusPath). */
    boolean hasPath() {
        return !blank(path);
    }

    /** The status URL the provider returned at create, as returned; or statusPath with the generation's id. */
    ProviderCall call(Job job) {
        reader(); // a definition without a status check is never asked for one
        String url = urls.statusUrl(job, fromCreate, path);
        if (url == null) {
            // a generation found by findId after a lost create answer: its status URL was never seen
            throw new IllegalStateException(provider + ": job " + job.getKey() + " has no status URL and the"
                    + " definition declares no statusPath to check generation " + job.getProviderJobId() + " at");
        }
        return urls.call(method, url, null, null);
    }

    StatusCheck check(HttpReply reply) {
        return reader().check(reply);
    }

    StatusResult readResult(HttpReply reply) {
        return reader().readResult(reply);
    }

    /** The provider's bulk status, or null when it offers none (or the definition turns it off). */
    BulkStatus bulk() {
        return bulk;
    }

    private StatusReader reader() {
        if (reader == null) {
            throw new IllegalStateException(provider + " declares no status check (statusPath, statusOutcome)");
        }
        return reader;
    }
}
