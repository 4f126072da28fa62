package org.imagegen.delivery;

import java.nio.file.Path;

/**
 * One file a sink receives: a staged image (read from {@code file}) or the manifest ({@code content}). {@code target}
 * is its name at the sink, already resolved from the sink's folder pattern (and, for S3, its key prefix).
 */
public record SinkFile(String target, String name, Path file, byte[] content, String contentType, long bytes,
                       String sha256, boolean manifest) {

    /** The body to send: the staged file (streamed by the component) or the manifest's bytes. */
    public Object body() {
        return file != null ? file.toFile() : content;
    }
}
