package org.imagegen.provider.definition;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.imagegen.job.Job;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.list;

/**
 * Where a defined provider's calls go and which of them carry the key: paths are resolved on the base URL (the
 * definition's, or a simulator's standing in), whole URLs are taken as they are, and the key goes to the base URL's
 * origin and the declared {@code apiHosts} (https only) — never to an image host or any other URL an answer names.
 */
final class ProviderUrls {

    private final String name;
    private final String baseUrl;
    private final URI base;
    private final List<String> apiHosts;
    /** The header the key travels in, or null when the provider wants none. */
    private final String authHeader;

    /** {@code url}: the base URL called (a trailing slash dropped); it must be http(s) with a host. */
    ProviderUrls(String name, String url, String apiHosts, String authHeader) {
        this.name = name;
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(baseUrl);
        if (base.getHost() == null || !Set.of("http", "https").contains(String.valueOf(base.getScheme()))) {
            throw new IllegalArgumentException("baseUrl: '" + url + "' is not an http(s) URL with a host");
        }
        this.apiHosts = list(apiHosts).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.authHeader = authHeader;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A path on the base URL, or a whole URL as it is. */
    String url(String path) {
        return path.startsWith("http://") || path.startsWith("https://") ? path
                : baseUrl + (path.startsWith("/") ? path : "/" + path);
    }

    /** The key goes to the base URL's origin (scheme, host, port) and the declared apiHosts, nowhere else. */
    boolean mayCarryKey(String url) {
        if (authHeader == null) {
            return false;
        }
        try {
            URI target = URI.create(url);
            String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
            boolean ownOrigin = base.getScheme().equalsIgnoreCase(target.getScheme())
                    && base.getHost().equalsIgnoreCase(host) && base.getPort() == target.getPort();
            return ownOrigin || "https".equalsIgnoreCase(target.getScheme()) && apiHosts.contains(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Where a job's status is asked: the status URL the provider returned at create, as returned; else
     * {@code statusPath} with the generation's id; null when there is neither.
     */
    String statusUrl(Job job, boolean fromCreate, String statusPath) {
        String url = StatusUrls.of(job, fromCreate);
        if (url != null || blank(statusPath)) {
            return url;
        }
        return url(statusPath.strip().replace("${id}", encode(job.getProviderJobId())));
    }

    /**
     * Where a job is cancelled: {@code cancelPath} with the generation's id, or beside the status URL returned at
     * create ({@code ${statusUrl}/../cancel}); null when it names a status URL the job has not, or is no URI.
     */
    String cancelUrl(Job job, boolean fromCreate, String cancelPath) {
        String path = cancelPath.strip();
        if (path.contains("${statusUrl}")) {
            String statusUrl = StatusUrls.of(job, fromCreate);
            if (statusUrl == null) {
                return null;
            }
            // a whole URL: put in as returned, not encoded
            path = path.replace("${statusUrl}", statusUrl);
        }
        String url = url(path.replace("${id}", encode(job.getProviderJobId())));
        try {
            // "${statusUrl}/../cancel": the status URL's sibling (fal's cancel URL beside its status URL)
            return URI.create(url).normalize().toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A call to {@code url}, with the key when it may carry it. */
    ProviderCall call(String method, String url, String body, String jobKey) {
        return new ProviderCall(name, method, url, body, mayCarryKey(url), jobKey);
    }
}
