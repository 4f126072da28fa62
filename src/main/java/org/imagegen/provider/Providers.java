package org.imagegen.provider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;
import org.imagegen.provider.definition.DefinedProvider;

/**
 * The configured providers by name; what the generic stage routes call. The built-in ones are known from the start,
 * the defined ones (routes/providers/*.camel.yaml) join when the context starts, before any route runs.
 */
public class Providers {

    /** The routes of every defined provider: defined-provider-http, defined-provider-check-status. */
    public static final String DEFINED_ROUTES = "defined-provider";

    private final Map<String, ImageProvider> byName = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, DownloadHosts> downloadHosts;

    public Providers(List<ImageProvider> providers, Map<String, DownloadHosts> downloadHosts) {
        providers.forEach(p -> byName.put(p.name(), p));
        this.downloadHosts = new ConcurrentHashMap<>(downloadHosts);
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

    public ProviderCall statusCall(Job job) {
        return get(job.getProvider()).statusCall(job);
    }

    public StatusResult readStatus(Job job, HttpReply reply) {
        return get(job.getProvider()).readStatus(reply);
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

    public ProviderCall findCall(Job job) {
        return get(job.getProvider()).findCall(job);
    }

    /** A download of one image, refused for good when its host is not one the provider's images may come from. */
    public ProviderCall downloadCall(Job job, String url) {
        DownloadHosts hosts = downloadHosts.get(job.getProvider());
        String refusal = hosts == null ? null : hosts.refusal(url);
        if (refusal != null) {
            throw new DeliveryException("image of job " + job.getKey() + " not downloaded: " + refusal, true);
        }
        return get(job.getProvider()).downloadCall(job, url);
    }

    /** Builds the reply the adapters read from the HTTP response the route received. */
    public static HttpReply reply(Integer status, String body, String retryAfter, String contentType) {
        return new HttpReply(status == null ? 0 : status, body, retryAfter, contentType);
    }
}
