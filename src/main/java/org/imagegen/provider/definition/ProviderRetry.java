package org.imagegen.provider.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.method;

/**
 * A provider that can retry a failed generation in place (a retry call,
 * after an optional call that changes it): {@code retryPath}, {@code retryMethod}, {@code retryMax},
 * {@code retryUpdatePath}, {@code retryUpdateMethod}, {@code retryUpdateBody}. A status outcome {@code failed} with
 * {@code retryable: true} is retried this way while the job has had fewer than {@code retryMax} retries; the
 * lifecycle records each one. Absent ({@link #of} gives null) when the definition declares no {@code retryPath}.
 */
final class ProviderRetry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderUrls urls;
    private final String path;
    private final String method;
    private final int max;
    private final String updatePath;
    private final String updateMethod;
    private final String updateBody;

    private ProviderRetry(ProviderUrls urls, RetryProperties d, int max) {
        this.urls = urls;
        this.path = d.getRetryPath().strip();
        this.method = method(d.getRetryMethod(), "POST");
        this.max = max;
        this.updateBody = blank(d.getRetryUpdateBody()) ? null : d.getRetryUpdateBody().strip();
        this.updatePath = blank(d.getRetryUpdatePath()) ? null : d.getRetryUpdatePath().strip();
        this.updateMethod = method(d.getRetryUpdateMethod(), "PUT");
        if (updateBody != null) {
            if (updatePath == null) {
                throw new IllegalArgumentException("retryUpdatePath: required with retryUpdateBody");
            }
            try {
                JSON.readTree(updateBody);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("retryUpdateBody: '" + updateBody + "' is not JSON: "
                        + e.getOriginalMessage());
            }
        }
    }

    /** The definition's retry, or null when it declares none; retryMax is checked either way. */
    static ProviderRetry of(ProviderUrls urls, RetryProperties d) {
        int max;
        try {
            max = blank(d.getRetryMax()) ? 0 : Integer.parseInt(d.getRetryMax().strip());
            if (max < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("retryMax: '" + d.getRetryMax() + "' is not a whole number of at least 0");
        }
        if (blank(d.getRetryPath())) {
            if (max > 0) {
                throw new IllegalArgumentException("retryPath: required with a retryMax over 0");
            }
            return null;
        }
        return new ProviderRetry(urls, d, max);
    }

    int max() {
        return max;
    }

    ProviderCall retryCall(Job job) {
        return urls.call(method, urls.url(path.replace("${id}", encode(job.getProviderJobId()))), null, null);
    }

    /** The change sent before each retry, or null when none is configured. */
    ProviderCall updateCall(Job job) {
        if (updateBody == null) {
            return null;
        }
        return urls.call(updateMethod, urls.url(updatePath.replace("${id}", encode(job.getProviderJobId()))),
                updateBody, null);
    }
}
