package org.imagegen.provider;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a provider's images may be downloaded from: its own host (the base URL's), and the hosts configured in
 * {@code imagegen.providers.<name>.download-hosts} ({@code cdn.example.com}, or {@code *.example.com} for any
 * subdomain). An image URL comes from the provider's answer, so without this check a compromised or spoofed
 * answer could make the bundle fetch internal addresses: a host matched only by a wildcard must not resolve to a
 * loopback, private, link-local or wildcard address; an exactly listed host and the base URL's own host may.
 */
public final class DownloadHosts {

    private final String baseHost;
    private final List<String> allowed;

    public DownloadHosts(String baseUrl, List<String> allowed) {
        this.baseHost = host(baseUrl);
        this.allowed = allowed.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }

    /** Null when the URL may be fetched, else why not. */
    public String refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "'" + url + "' is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            return "'" + url + "' is not an http(s) URL with a host";
        }
        if (host.equals(baseHost) || allowed.contains(host)) {
            return null;
        }
        boolean wildcard = allowed.stream().anyMatch(p -> p.startsWith("*.") && host.endsWith(p.substring(1)));
        if (!wildcard) {
            return "host " + host + " is not an allowed download host (the provider's own, or download-hosts " + allowed + ")";
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                    return "host " + host + " resolves to the internal address " + address.getHostAddress()
                            + "; list the host itself in download-hosts to allow it";
                }
            }
        } catch (UnknownHostException e) {
            return "host " + host + " cannot be resolved";
        }
        return null;
    }

    private static String host(String url) {
        String host = URI.create(url).getHost();
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }
}
