package org.imagegen.delivery;

/** One downloaded image, staged under data/ until the whole job is published: what the manifest lists. */
public record StagedImage(int number, String file, long bytes, String sha256, String contentType, String sourceUrl) {
}
