package org.imagegen.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.imagegen.job.Job;

/**
 * The configured sinks and what the sink routes need from them: where a job's files go (folder pattern), the files
 * themselves (staged images, then the manifest), the endpoint each route sends to (built from configuration only,
 * never from request content), the folder sink's writes, and the HTTP callback's signed body. No Camel imports: the
 * routes in routes/sinks/ call these methods.
 */
public class Sinks {

    public static final String SIGNATURE_HEADER = "X-Imagegen-Signature";
    public static final String TIMESTAMP_HEADER = "X-Imagegen-Timestamp";

    private final Map<String, SinkSpec> specs;
    private final List<String> defaults;
    private final Map<String, List<String>> providerDefaults;
    private final ResultFolders resultFolders;
    private final Set<String> secrets;

    public Sinks(Collection<SinkSpec> specs, List<String> defaults, Map<String, List<String>> providerDefaults,
                 ResultFolders resultFolders, Set<String> secrets) {
        this.specs = new LinkedHashMap<>();
        specs.forEach(s -> this.specs.put(s.name(), s));
        this.defaults = List.copyOf(defaults);
        this.providerDefaults = new java.util.concurrent.ConcurrentHashMap<>(providerDefaults);
        this.resultFolders = resultFolders;
        this.secrets = Set.copyOf(secrets.stream().filter(s -> s != null && s.length() >= 4).toList());
        check(defaults, "imagegen.sinks.default");
        providerDefaults.forEach((p, names) -> check(names, "imagegen.providers." + p + ".sinks"));
    }

    private void check(List<String> names, String key) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException(key + " must name at least one sink");
        }
        for (String name : names) {
            if (!specs.containsKey(name)) {
                throw new IllegalArgumentException(key + ": '" + name + "' is not in imagegen.sinks.names " + specs.keySet());
            }
        }
    }

    public Set<String> names() {
        return specs.keySet();
    }

    public List<String> defaults() {
        return defaults;
    }

    public Map<String, List<String>> providerDefaults() {
        return Map.copyOf(providerDefaults);
    }

    /**
     * The sinks a provider declared by a definition file gets when a request names none
     * ({@code imagegen.providers.<name>.sinks}, read when it joins at start); empty leaves it on the global default.
     */
    public void addProviderDefaults(String provider, List<String> names) {
        if (!names.isEmpty()) {
            check(names, "imagegen.providers." + provider + ".sinks");
            providerDefaults.put(provider, List.copyOf(names));
        }
    }

    /**
     * The folders whose free space matters ({@code DiskSpace}): the data folder (job store, broker journal, staging)
     * and each folder sink's root, by what they are.
     */
    public Map<String, Path> diskFolders(Path data) {
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("data folder", data);
        specs.values().stream().filter(s -> s.type() == SinkType.FILE)
                .forEach(s -> folders.put("folder sink " + s.name(), Path.of(s.get("root"))));
        return folders;
    }

    public SinkSpec spec(String name) {
        SinkSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("sink '" + name + "' is not configured (imagegen.sinks.names)");
        }
        return spec;
    }

    /** The route that delivers to the sink: direct:sink-file, -s3, -sftp or -http. */
    public String route(String sink) {
        return spec(sink).type().route();
    }

    public String folder(Job job, String sink) {
        long at = job.getCompletedAt() != null ? job.getCompletedAt() : job.getAcceptedAt();
        return spec(sink).folder().folder(job.getKey(), job.getProvider(), at, job.getRequest().metadata());
    }

    public String location(Job job, String sink) {
        return spec(sink).location(folder(job, sink));
    }

    /** The files the sink receives for the job, images first and the manifest last (its presence means complete). */
    public List<SinkFile> files(Job job, String sink, byte[] manifest) {
        SinkSpec spec = spec(sink);
        String base = switch (spec.type()) {
            case S3 -> spec.s3Prefix() + folder(job, sink) + "/";
            case SFTP -> spec.sftpDirectory() + folder(job, sink) + "/";
            case HTTP -> "";
            default -> folder(job, sink) + "/";
        };
        List<SinkFile> files = new ArrayList<>();
        for (StagedImage image : job.getStaged()) {
            files.add(new SinkFile(base + image.file(), image.file(), resultFolders.stagedFile(job, image), null,
                    image.contentType(), image.bytes(), image.sha256(), false));
        }
        files.add(new SinkFile(base + ResultFolders.MANIFEST, ResultFolders.MANIFEST, null, manifest,
                "application/json", manifest.length, sha256(manifest), true));
        return files;
    }

    // ---- endpoints (from configuration only) ---------------------------------------------------------------

    /**
     * The endpoint URI the sink's route sends to. S3 uses the client bound as {@code sink-<name>-s3} (credentials
     * live there, not in the URI); SFTP credentials are RAW() options, which Camel masks wherever it shows a URI;
     * the HTTP callback's URL goes in the CamelHttpUri header, so the endpoint holds only timeouts.
     */
    public String endpoint(String sink) {
        SinkSpec s = spec(sink);
        return switch (s.type()) {
            case FILE -> "direct:sink-file";
            case S3 -> "aws2-s3://" + s.get("bucket") + "?amazonS3Client=#" + s3ClientBean(sink)
                    + "&autoCreateBucket=false";
            case SFTP -> sftpUri(s);
            case HTTP -> "http://sink-" + sink + "?throwExceptionOnFailure=false&disableStreamCache=true"
                    + "&connectTimeout=" + s.get("connect-timeout-ms") + "&responseTimeout=" + s.get("timeout-ms");
        };
    }

    public static String s3ClientBean(String sink) {
        return "sink-" + sink + "-s3";
    }

    private static String sftpUri(SinkSpec s) {
        // no folder in the URI: camel-ftp reads an endpoint's folder as relative to the login folder (it strips a
        // leading '/', with a warning), while a file name is used as given; so each file's full remote path, absolute
        // or relative as configured, goes in its file name (Sinks.files) and the endpoint names only the server
        StringBuilder uri = new StringBuilder("sftp://").append(s.get("host")).append(':').append(s.get("port"))
                .append("?username=").append(raw(s.get("user")))
                // upload under a temporary name, then rename: a reader never sees half a file
                .append("&tempPrefix=.part-&fileExist=Override&autoCreate=true&jschLoggingLevel=WARN")
                .append("&connectTimeout=").append(s.get("timeout-ms")).append("&timeout=").append(s.get("timeout-ms"))
                .append("&strictHostKeyChecking=").append(s.get("strict-host-key-checking"));
        if (!s.get("password").isEmpty()) {
            uri.append("&password=").append(secretOption(s, "password"));
        }
        if (!s.get("private-key-file").isEmpty()) {
            uri.append("&privateKeyFile=").append(raw(s.get("private-key-file")));
            if (!s.get("private-key-passphrase").isEmpty()) {
                uri.append("&privateKeyPassphrase=").append(secretOption(s, "private-key-passphrase"));
            }
        }
        if (!s.get("known-hosts-file").isEmpty()) {
            uri.append("&knownHostsFile=").append(raw(s.get("known-hosts-file")));
        } else if ("no".equals(s.get("strict-host-key-checking"))) {
            // nothing is checked, so ~/.ssh/known_hosts is neither read nor offered the server's key
            uri.append("&useUserKnownHostsFile=false");
        }
        return uri.toString();
    }

    /**
     * A secret as a property placeholder, which Camel resolves only when it creates the endpoint: the secret itself
     * is never held in an exchange property or a route's text, and Camel masks it wherever it shows the endpoint.
     */
    private static String secretOption(SinkSpec s, String key) {
        return s.get(key).contains(")") ? raw(s.get(key)) : "RAW({{imagegen.sinks." + s.name() + "." + key + "}})";
    }

    private static String raw(String value) {
        // RAW(...) keeps the value as it is; a ')' inside would end it early, so such a value is URL-encoded
        return value.contains(")") ? URLEncoder.encode(value, StandardCharsets.UTF_8) : "RAW(" + value + ")";
    }

    // ---- S3 -----------------------------------------------------------------------------------------------------

    /** User metadata stored with each object (x-amz-meta-*). */
    public Map<String, String> s3Metadata(Job job, SinkFile file) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("job-key", job.getKey());
        metadata.put("sha256", file.sha256());
        metadata.put("provider", job.getProvider());
        return metadata;
    }

    // ---- folder sink --------------------------------------------------------------------------------------------

    /** Copies one file under the sink's root: a hidden temporary name, then an atomic rename (overwrites). */
    public void writeFile(String sink, SinkFile file) {
        Path root = Path.of(spec(sink).get("root")).toAbsolutePath().normalize();
        Path target = root.resolve(file.target()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalStateException("'" + file.target() + "' is not inside " + root);
        }
        try {
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                if (file.file() != null) {
                    Files.copy(file.file(), part, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.write(part, file.content());
                }
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new DeliveryException("cannot write " + target + ": " + e, e);
        }
    }

    // ---- HTTP callback ----------------------------------------------------------------------------------------

    /** A callback ready to send: the multipart body (a file under staging), its headers and the target URL. */
    public record Callback(String url, Path body, String contentType, String timestamp, String signature, String jobKey) {
    }

    /**
     * Writes the callback's body, multipart/form-data with the part "manifest" (manifest.json) first and then one
     * part "image-&lt;n&gt;" per image, to data/staging/&lt;id&gt;/.callback-&lt;sink&gt;, computing as it writes the
     * signature: hex HMAC-SHA256 with the sink's secret over the timestamp (epoch seconds), a '.', and the body.
     */
    public Callback callback(Job job, String sink, List<SinkFile> files) {
        return callback(job, sink, files, System.currentTimeMillis());
    }

    public Callback callback(Job job, String sink, List<SinkFile> files, long nowMillis) {
        SinkSpec spec = spec(sink);
        String timestamp = Long.toString(nowMillis / 1000);
        String boundary = "imagegen-" + UUID.randomUUID().toString().replace("-", "");
        Path body = resultFolders.stagingFolder(job).resolve(".callback-" + sink);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(spec.get("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            Files.createDirectories(body.getParent());
            List<SinkFile> ordered = new ArrayList<>();
            files.stream().filter(SinkFile::manifest).forEach(ordered::add);
            files.stream().filter(f -> !f.manifest()).forEach(ordered::add);
            try (OutputStream out = new MacOutputStream(Files.newOutputStream(body), mac)) {
                int n = 0;
                for (SinkFile f : ordered) {
                    String part = f.manifest() ? "manifest" : "image-" + (++n);
                    out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part
                            + "\"; filename=\"" + f.name() + "\"\r\nContent-Type: " + f.contentType() + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    if (f.file() != null) {
                        Files.copy(f.file(), out);
                    } else {
                        out.write(f.content());
                    }
                    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                }
                out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            }
            return new Callback(spec.get("url"), body, "multipart/form-data; boundary=" + boundary, timestamp,
                    "sha256=" + HexFormat.of().formatHex(mac.doFinal()), job.getKey());
        } catch (IOException e) {
            // a body cut short (the disk full) is not kept: it would hold the space the next try needs
            try {
                Files.deleteIfExists(body);
            } catch (IOException ignored) {
                // rewritten on the next try anyway
            }
            throw new DeliveryException("cannot write the callback body for sink " + sink + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the receiver's answer: 2xx is delivered; 408, 429 and 5xx are retried with backoff (as are timeouts,
     * which arrive as exceptions); any other 4xx is refused for good, since sending the same request again would
     * not change the answer (an operator fixes the receiver or the secret, then retries the delivery).
     */
    public void callbackAnswered(Callback callback, Integer status) {
        try {
            Files.deleteIfExists(callback.body());
        } catch (IOException ignored) {
            // rewritten on the next try anyway
        }
        if (status != null && status >= 200 && status < 300) {
            return;
        }
        String message = "the callback receiver answered HTTP " + status;
        if (status != null && status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new SinkRefusedException(message + "; not retried");
        }
        throw new DeliveryException(message);
    }

    // ---- secrets -------------------------------------------------------------------------------------------------

    /** Replaces every configured secret in a text (an error message) with ***, before it is logged or stored. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        return masked;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feeds everything written through it to a MAC. */
    private static final class MacOutputStream extends java.io.FilterOutputStream {

        private final Mac mac;

        MacOutputStream(OutputStream out, Mac mac) {
            super(out);
            this.mac = mac;
        }

        @Override
        public void write(int b) throws IOException {
            mac.update((byte) b);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            mac.update(b, off, len);
            out.write(b, off, len);
        }
    }
}
