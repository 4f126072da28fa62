package org.imagegen.provider.definition;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.imagegen.job.Job;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;

/**
 * Cancel (docs/adding-a-provider.md, Optional capabilities): the call that deletes a generation when its job is
 * cancelled, at {@code cancelPath} with the generation's id or beside the status URL returned at create, with
 * {@code cancelMethod} and, for an API that cancels with one, a body made by {@code cancelBody} from {@code {id}}.
 */
record Cancel(String path, String method, Jq body) {

    /** The definition's cancel, or null when it declares no cancelPath (cancelBody is checked either way). */
    static Cancel of(CancelProperties d) {
        Jq body = Jq.compile("cancelBody", d.getCancelBody());
        return blank(d.getCancelPath()) ? null
                : new Cancel(d.getCancelPath(), DefinitionValues.method(d.getCancelMethod(), "POST"), body);
    }

    /** The cancel of the job's generation; null when it names a status URL the job has not. */
    ProviderCall call(ProviderUrls urls, Job job, boolean statusUrlFromCreate) {
        String url = urls.cancelUrl(job, statusUrlFromCreate, path);
        String sent = body == null ? null
                : Jq.write(body.first(JsonNodeFactory.instance.objectNode().put("id", job.getProviderJobId())));
        return url == null ? null : urls.call(method, url, sent, null);
    }
}
