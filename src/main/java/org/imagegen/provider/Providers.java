package org.imagegen.provider;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.StatusCheck;

/**
 * The configured providers by name; what the generic stage routes call. The built-in ones are known from the start,
 * the defined ones (routes/providers/*.camel.yaml) join when the context starts, before any route runs.
 */
public class Providers {

    /** The routes of every defined provider: defined-provider-http, defined-provider-check-status. */
    public static final String DEFINED_ROUTES = "defined-provider";

    /** The answers that redirect: 301, 302 and 303 are followed with GET, 307 and 308 with the same method and body. */
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    public static final int DEFAULT_MAX_REDIRECTS = 5;

    private final Map<String, ImageProvider> byName = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, DownloadHosts> downloadHosts;
    private final int maxRedirects;

    public Providers(List<ImageProvider> providers, Map<String, DownloadHosts> downloadHosts) {
        this(providers, downloadHosts, DEFAULT_MAX_REDIRECTS);
    }

    /** {@code maxRedirects}: how many redirects one image download follows at most. */
    public Providers(List<ImageProvider> providers, Map<String, DownloadHosts> downloadHosts, int maxRedirects) {
        providers.forEach(p -> byName.put(p.name(), p));
        this.downloadHosts = new ConcurrentHashMap<>(downloadHosts);
        this.maxRedirects = maxRedirects;
    }

    /** A provider that joins after the start (a definition). */
    public void add(ImageProvider provider, DownloadHosts hosts) {
        if (byName.putIfAbsent(provider.name(), provider) != null) {
            throw new IllegalArgumentException("provider '" + provider.name() + "' is defined twice");
        }
        downloadHosts.put(provider.name(), hosts);
    }

    /**
     * The direct route that does a stage for the provider: {@code <provider>-<stage>} for the built-in ones (their
     * own route files), {@code defined-provider-<stage>} for every defined one.
     */
    public String route(String provider, String stage) {
        return (get(provider) instanceof DefinedProvider ? DEFINED_ROUTES : provider) + "-" + stage;
    }

    /** The header a defined provider's key travels in (routes/providers/defined-provider.camel.yaml). */
    public String authHeader(String provider) {
        return defined(provider).authHeader();
    }

    public String authValue(String provider) {
        return defined(provider).authValue();
    }

    /** How long a provider's call waits for its answer (a definition's responseTimeout, else {@code fallbackMs}). */
    public long responseTimeout(String provider, long fallbackMs) {
        return get(provider) instanceof DefinedProvider defined ? defined.responseTimeoutMs(fallbackMs) : fallbackMs;
    }

    public ProviderCall statusCall(Job job) {
        return get(job.getProvider()).statusCall(job);
    }

    public StatusResult readStatus(Job job, HttpReply reply) {
        return get(job.getProvider()).readStatus(reply);
    }

    /** A defined provider's status answer: the status, or the GET that fetches its result (defined-provider.camel.yaml). */
    public StatusCheck checkStatus(Job job, HttpReply reply) {
        return defined(job.getProvider()).checkStatus(reply);
    }

    /** The answer to that GET, read by the definition's resultOutcome. */
    public StatusResult readResult(Job job, HttpReply reply) {
        return defined(job.getProvider()).readResult(reply);
    }

    private DefinedProvider defined(String provider) {
        if (get(provider) instanceof DefinedProvider defined) {
            return defined;
        }
        throw new IllegalArgumentException("provider '" + provider + "' is not a defined provider");
    }

    public ImageProvider get(String name) {
        ImageProvider provider = byName.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider named '" + name + "'");
        }
        return provider;
    }

    public List<ImageProvider> all() {
        synchronized (byName) {
            return List.copyOf(byName.values());
        }
    }

    public ProviderCall createCall(Job job) {
        return get(job.getProvider()).createCall(job);
    }

    /** The estimate asked before the job's create (a definition's estimatePath), or null when there is none. */
    public ProviderCall estimateCall(Job job) {
        return get(job.getProvider()).estimateCall(job);
    }

    /** The estimate's answer. */
    public Estimate readEstimate(Job job, HttpReply reply) {
        return get(job.getProvider()).readEstimate(reply);
    }

    /** The estimate call failed before any answer (a timeout, a refused connection): {@code message} says how. */
    public Estimate estimateFailed(Job job, String message) {
        return Estimate.failed(job.getProvider() + "'s estimate failed: " + message);
    }

    public ProviderCall findCall(Job job) {
        return get(job.getProvider()).findCall(job);
    }

    /** The call that changes a failed generation before the provider retries it, or null for none. */
    public ProviderCall updateBeforeRetryCall(Job job) {
        return get(job.getProvider()).updateBeforeRetryCall(job);
    }

    /** The call that asks the provider to retry a failed generation in place. */
    public ProviderCall retryCall(Job job) {
        ProviderCall call = get(job.getProvider()).retryCall(job);
        if (call == null) {
            throw new IllegalStateException("provider '" + job.getProvider() + "' offers no retry of a failed generation");
        }
        return call;
    }

    /** A download of one image, refused for good when its host is not one the provider's images may come from. */
    public ProviderCall downloadCall(Job job, String url) {
        checkHost(job, url, "");
        return get(job.getProvider()).downloadCall(job, url);
    }

    private void checkHost(Job job, String url, String how) {
        DownloadHosts hosts = downloadHosts.get(job.getProvider());
        String refusal = hosts == null ? null : hosts.refusal(url);
        if (refusal != null) {
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: " + refusal + how, true);
        }
    }

    /** The provider's paid step that gives the URL to download (a paid purchase: the definition's acquirePath), or null for none. */
    public ProviderCall acquireCall(Job job, String url) {
        return get(job.getProvider()).acquireCall(job, url);
    }

    /** The URL to download from the answer to {@link #acquireCall} ({@code index}: the image's, from 0). */
    public String acquired(Job job, int index, HttpReply reply) {
        return get(job.getProvider()).readAcquired(job, index + 1, reply);
    }

    /** How the image at {@code url} is got, as the manifest records it. */
    public String acquisition(Job job, String url) {
        return get(job.getProvider()).acquisition(url);
    }

    /**
     * The next call when a download answered with a redirect, or null when it did not. The target passes the same
     * host and address rules as the first URL ({@link DownloadHosts}); at most {@code maxRedirects} are followed
     * ({@code hop}: how many calls were made before this answer, from 0). The redirect's own body is closed.
     */
    public ProviderCall redirect(Job job, ProviderCall call, Integer status, String location, Object body, int hop) {
        if (status == null || !REDIRECTS.contains(status)) {
            return null;
        }
        if (body instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // the answer is not read either way
            }
        }
        String from = " (redirected from " + call.url() + ")";
        if (location == null || location.isBlank()) {
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: " + call.url()
                    + " answered HTTP " + status + " without a Location");
        }
        String target;
        try {
            target = URI.create(call.url()).resolve(location.strip()).toString();
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: '" + location
                    + "' is not a URL" + from, true);
        }
        if (hop + 1 > maxRedirects) {
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: more than " + maxRedirects
                    + " redirects (imagegen.delivery.max-redirects), the last from " + call.url() + " to " + target, true);
        }
        checkHost(job, target, from);
        boolean keepMethod = status == 307 || status == 308;
        return get(job.getProvider()).redirectCall(keepMethod ? call.method() : "GET", target,
                keepMethod ? call.body() : null);
    }

    /**
     * Fails a download whose answer the provider says must not be tried again on its own (a paid call's
     * acquireRefusal: no credits left) with the provider's reason; every other answer is the outbox's to judge.
     */
    public void checkDownload(Job job, int index, Integer status, Object body) {
        String refusal = status == null ? null : get(job.getProvider()).downloadRefusal(status, index + 1);
        if (refusal != null) {
            if (body instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException ignored) {
                    // refused either way
                }
            }
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: " + refusal, true);
        }
    }

    /** Builds the reply the adapters read from the HTTP response the route received. */
    public static HttpReply reply(Integer status, String body, String retryAfter, String contentType) {
        return reply(status, body, retryAfter, contentType, null);
    }

    /** As {@link #reply(Integer, String, String, String)}, with the URL that was called. */
    public static HttpReply reply(Integer status, String body, String retryAfter, String contentType, String url) {
        return new HttpReply(status == null ? 0 : status, body, retryAfter, contentType, url);
    }
}
