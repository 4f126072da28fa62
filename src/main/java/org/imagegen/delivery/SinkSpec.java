package org.imagegen.delivery;

import java.util.Map;

/**
 * One configured sink: its name (what requests select), its type, the folder pattern that places a job's files
 * under its root, and its type's settings as read from {@code imagegen.sinks.<name>.*}. Secrets are among the
 * settings; {@link #location} and everything else shown to people never includes them.
 */
public record SinkSpec(String name, SinkType type, FolderPattern folder, Map<String, String> settings) {

    public SinkSpec {
        settings = Map.copyOf(settings);
    }

    public String get(String key) {
        return settings.getOrDefault(key, "");
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** The S3 key prefix, empty or ending in '/'. */
    public String s3Prefix() {
        String p = get("prefix").strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    /** Where a job's files land at this sink, without credentials, for the manifest and the logs. */
    public String location(String jobFolder) {
        return switch (type) {
            case FILE -> java.nio.file.Path.of(get("root")).toAbsolutePath().normalize().resolve(jobFolder) + "/";
            case S3 -> "s3://" + get("bucket") + "/" + s3Prefix() + jobFolder + "/";
            // the URL form of curl and of the SFTP URI draft: a path after the host is absolute, "/~/" starts at the
            // login folder; so the location says where the files are whichever way the path was configured
            case SFTP -> "sftp://" + get("host") + ":" + get("port") + (sftpDirectory().startsWith("/") ? "" : "/~/")
                    + sftpDirectory() + jobFolder + "/";
            case HTTP -> withoutQuery(get("url"));
        };
    }

    /**
     * The SFTP folder that holds the job folders, as the server reads it: {@code "/incoming/"} (absolute) when
     * {@code path} starts with '/', {@code "upload/"} (relative to the login folder) when it does not, {@code ""}
     * (the login folder itself) when it is empty; repeated slashes are collapsed.
     */
    public String sftpDirectory() {
        String path = get("path").strip().replaceAll("/{2,}", "/");
        String inner = trimSlashes(path);
        if (path.startsWith("/")) {
            return inner.isEmpty() ? "/" : "/" + inner + "/";
        }
        return inner.isEmpty() ? "" : inner + "/";
    }

    static String trimSlashes(String s) {
        String t = s.strip();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /** A callback URL may carry a token in its query or user info: neither is shown. */
    private static String withoutQuery(String url) {
        String u = url.replaceFirst("^(\\w+://)[^/@]*@", "$1");
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }
}
