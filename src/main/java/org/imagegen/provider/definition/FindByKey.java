package org.imagegen.provider.definition;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.imagegen.job.Job;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.method;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * Find by key (docs/adding-a-provider.md, Optional capabilities): a provider that stores something of ours with a
 * generation (a tag, metadata) is searched for the job's key when a create's answer was lost ({@code findPath},
 * {@code findMethod}, {@code findBody}), and {@code findId} picks the generation out of the answer, seeing the key as
 * {@code $key}. Its answer settles the job: found, not found, or a search that could not tell.
 */
final class FindByKey {

    private final String provider;
    private final String path;
    private final String method;
    private final Jq body;
    private final Jq id;

    private FindByKey(String provider, FindProperties d) {
        this.provider = provider;
        this.path = d.getFindPath().strip();
        this.method = method(d.getFindMethod(), "GET");
        this.body = Jq.compile("findBody", d.getFindBody());
        this.id = Jq.compile("findId", required(d.getFindId(), "findId"));
    }

    /** The definition's search by key, or null when it declares no findPath (findBody is checked either way). */
    static FindByKey of(String provider, FindProperties d) {
        if (blank(d.getFindPath())) {
            Jq.compile("findBody", d.getFindBody());
            return null;
        }
        return new FindByKey(provider, d);
    }

    /**
     * The search for the job's key; {@code input}: our request as every jq expression of a create sees it, asked for
     * only by a findBody (a job may be searched for before its request is read).
     */
    ProviderCall call(ProviderUrls urls, Job job, Supplier<ObjectNode> input) {
        String url = urls.url(path.replace("${key}", encode(job.getKey())));
        return urls.call(method, url, body == null ? null : Jq.write(body.first(input.get())), null);
    }

    /** The search's answer: the generation findId names, none, or (an error answer, an answer findId fails on) unknown. */
    FindResult read(Job job, HttpReply reply, Function<HttpReply, String> message) {
        if (!reply.isSuccess()) {
            String reason = provider + " answered HTTP " + reply.status() + " to a search: " + message.apply(reply);
            return reply.isTransient() ? FindResult.retryLater(reason) : FindResult.unknown(reason);
        }
        try {
            Map<String, JsonNode> variables = new HashMap<>(Jq.answer(reply));
            variables.put("key", TextNode.valueOf(job.getKey()));
            String generation = id.text(Jq.body(reply), variables);
            return generation == null ? FindResult.notFound() : FindResult.found(generation);
        } catch (IllegalStateException e) {
            return FindResult.unknown(provider + ": " + e.getMessage());
        }
    }
}
