package org.imagegen.provider.definition;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.webhook.Ed25519JwksVerifier;
import org.imagegen.provider.webhook.StandardWebhooksVerifier;
import org.imagegen.provider.webhook.WebhookSignature;
import org.imagegen.provider.webhook.WebhookVerifier;
import org.imagegen.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;

/**
 * The webhook part of a definition ({@code webhooks}, {@code webhookId}, {@code webhookSignature},
 * {@code webhookSecret}, {@code webhookSecretPath}, {@code webhookJwksUrl}, {@code webhookTolerance}), checked when
 * the bundle starts. It knows the receiver's URL that creates hand to the provider, verifies deliveries with the
 * named scheme, and reads the generation id from a verified one. A delivery only ever brings a status check forward:
 * nothing in it is trusted.
 */
public final class DefinedWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(DefinedWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEFAULT_TOLERANCE_MS = 5 * 60_000;
    /** Accepted delivery ids kept per provider against replays (bounded: see ReplayGuard). */
    private static final int REPLAY_CAPACITY = 10_000;
    /** A path secret is part of a URL: characters that need no encoding, and enough of them not to be guessed. */
    private static final Pattern PATH_SECRET = Pattern.compile("[A-Za-z0-9._~-]{16,}");

    private final String provider;
    private final WebhookSignature scheme;
    private final Jq generationId;
    private final String pathSecret;
    private final String keysPath;
    private final WebhookVerifier verifier;
    private final Function<String, ProviderCall> get;
    private volatile Supplier<String> publicBaseUrl;

    private DefinedWebhook(String provider, WebhookSignature scheme, Jq generationId, String pathSecret,
                           String keysPath, WebhookVerifier verifier, Function<String, ProviderCall> get) {
        this.provider = provider;
        this.scheme = scheme;
        this.generationId = generationId;
        this.pathSecret = pathSecret;
        this.keysPath = keysPath;
        this.verifier = verifier;
        this.get = get;
    }

    /**
     * Reads the webhook properties of definition {@code d}: null when {@code webhooks} is not true. What is declared
     * is checked either way (a scheme name, a jq expression, a duration); what a working receiver needs (an id
     * expression, a scheme, its secret or keys) only when webhooks are on. {@code get} builds a GET call to a path
     * below the base URL or a full URL, with the key only where the provider's key rules allow it.
     */
    static DefinedWebhook of(String provider, WebhookProperties d, Function<String, ProviderCall> get) {
        boolean on = switch (blank(d.getWebhooks()) ? "false" : d.getWebhooks().strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("webhooks: '" + d.getWebhooks() + "' is not true or false");
        };
        WebhookSignature scheme;
        try {
            scheme = blank(d.getWebhookSignature()) ? null : WebhookSignature.of(d.getWebhookSignature());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhookSignature: " + e.getMessage(), e);
        }
        Jq id = Jq.compile("webhookId", d.getWebhookId());
        long tolerance = tolerance(d.getWebhookTolerance());
        if (!on) {
            return null;
        }
        if (id == null) {
            throw new IllegalArgumentException("webhookId: required with webhooks (jq: the payload -> the generation id)");
        }
        if (scheme == null) {
            throw new IllegalArgumentException("webhookSignature: required with webhooks; expected one of "
                    + "[standard-webhooks, ed25519-jwks, none]");
        }
        return switch (scheme) {
            case STANDARD_WEBHOOKS -> {
                if (!blank(d.getWebhookSecret())) {
                    try {
                        yield new DefinedWebhook(provider, scheme, id, null, null,
                                StandardWebhooksVerifier.withSecret(d.getWebhookSecret(), tolerance, REPLAY_CAPACITY), get);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("webhookSecret: " + e.getMessage(), e);
                    }
                }
                if (blank(d.getWebhookSecretPath())) {
                    throw new IllegalArgumentException("webhookSecret or webhookSecretPath: standard-webhooks needs "
                            + "the signing secret, or the path where the provider serves it");
                }
                yield new DefinedWebhook(provider, scheme, id, null, d.getWebhookSecretPath().strip(),
                        StandardWebhooksVerifier.fetchingSecret(tolerance, REPLAY_CAPACITY), get);
            }
            case ED25519_JWKS -> {
                String jwks = DefinitionValues.required(d.getWebhookJwksUrl(), "webhookJwksUrl").strip();
                if (!jwks.startsWith("/")) {
                    URI uri;
                    try {
                        uri = URI.create(jwks);
                    } catch (IllegalArgumentException e) {
                        uri = null;
                    }
                    if (uri == null || uri.getHost() == null
                            || !Set.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
                        throw new IllegalArgumentException("webhookJwksUrl: '" + jwks + "' is neither an http(s) URL "
                                + "with a host nor a path below baseUrl");
                    }
                }
                yield new DefinedWebhook(provider, scheme, id, null, jwks,
                        new Ed25519JwksVerifier(tolerance, REPLAY_CAPACITY), get);
            }
            case NONE -> {
                String secret = DefinitionValues.required(d.getWebhookSecret(), "webhookSecret").strip();
                if (!PATH_SECRET.matcher(secret).matches()) {
                    // the message never quotes the secret
                    throw new IllegalArgumentException("webhookSecret: the none scheme's secret is a path segment of "
                            + "the receiver URL: at least 16 letters, digits, '-', '_', '.' or '~'");
                }
                yield new DefinedWebhook(provider, scheme, id, secret, null, null, get);
            }
        };
    }

    private static long tolerance(String value) {
        if (blank(value)) {
            return DEFAULT_TOLERANCE_MS;
        }
        try {
            long millis = Durations.millis(value.strip());
            if (millis < 1000) {
                throw new IllegalArgumentException("'" + value + "' is shorter than a second");
            }
            return millis;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhookTolerance: " + e.getMessage(), e);
        }
    }

    /** Where the receiver is reached from outside: the bundle's public base URL (set when the provider registers). */
    public void receiveAt(Supplier<String> publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl;
    }

    /** The receiver's URL for creates: {@code <public base>/webhooks/<name>}, plus {@code /<secret>} for none. */
    public String url() {
        Supplier<String> base = publicBaseUrl;
        if (base == null) {
            throw new IllegalStateException(provider + ": webhooks are on but the bundle's public URL is not known");
        }
        String root = base.get().replaceAll("/+$", "") + "/webhooks/" + provider;
        return pathSecret == null ? root : root + "/" + encode(pathSecret);
    }

    public WebhookSignature scheme() {
        return scheme;
    }

    /** Whether the receiver URL carries a secret path segment (scheme none) instead of a signature. */
    public boolean securedByPath() {
        return pathSecret != null;
    }

    /** Whether a presented path segment is the secret, compared in time that does not depend on where they differ. */
    public boolean pathSecretMatches(String presented) {
        return pathSecret != null && presented != null && MessageDigest.isEqual(sha256(presented), sha256(pathSecret));
    }

    /** The call that fetches the scheme's keys before this delivery is verified, or null when none is needed. */
    public ProviderCall keysCall(Function<String, String> header, byte[] body, long now) {
        return verifier != null && verifier.wantsKeys(header, body, now) ? get.apply(keysPath) : null;
    }

    /** The keys' answer: taken when usable, otherwise logged (without its body) and the known keys kept. */
    public void keysFetched(HttpReply reply, long now) {
        if (!reply.isSuccess()) {
            keysFailed("HTTP " + reply.status(), now);
            return;
        }
        try {
            verifier.keysFetched(reply.body(), now);
            LOG.info("{}: webhook signing {} fetched", provider, what());
        } catch (IllegalArgumentException e) {
            keysFailed(e.getMessage(), now);
        }
    }

    public void keysFailed(String why, long now) {
        verifier.keysFailed(now);
        LOG.warn("{}: fetching the webhook signing {} failed ({}); deliveries it cannot verify are refused and the "
                + "jobs polled as usual", provider, what(), why);
    }

    /**
     * Verifies a signed delivery (not one secured by its path): throws
     * {@link org.imagegen.provider.webhook.WebhookRefusedException} when it is refused.
     */
    public void verify(Function<String, String> header, byte[] body, long now) {
        if (verifier == null) {
            throw new IllegalStateException(provider + ": a delivery secured by its path has no signature to verify");
        }
        verifier.verify(header, body, now);
    }

    /** The generation a verified delivery names (webhookId), or null when it names none or is not JSON. */
    public String generationId(byte[] body) {
        try {
            JsonNode payload = body == null || body.length == 0 ? null : JSON.readTree(body);
            return payload == null ? null : generationId.text(payload);
        } catch (java.io.IOException | IllegalStateException e) {
            return null;
        }
    }

    private String what() {
        return scheme == WebhookSignature.ED25519_JWKS ? "keys (webhookJwksUrl)" : "secret (webhookSecretPath)";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
