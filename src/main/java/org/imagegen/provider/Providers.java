package org.imagegen.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;

/** The configured providers by name; what the generic stage routes call. */
public class Providers {

    private final Map<String, ImageProvider> byName = new LinkedHashMap<>();
    private final Map<String, DownloadHosts> downloadHosts;

    public Providers(List<ImageProvider> providers, Map<String, DownloadHosts> downloadHosts) {
        providers.forEach(p -> byName.put(p.name(), p));
        this.downloadHosts = Map.copyOf(downloadHosts);
    }

    public ImageProvider get(String name) {
        ImageProvider provider = byName.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider named '" + name + "'");
        }
        return provider;
    }

    public List<ImageProvider> all() {
        return List.copyOf(byName.values());
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
