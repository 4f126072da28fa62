package org.imagegen.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One downloaded image, staged under data/ until the whole job is published: what the manifest lists.
 * {@code acquired}: how it was got from the provider ({@code url}, {@code full}, {@code buy:upscale}, ...; see
 * docs/providers.md), absent for images staged before it was recorded.
 */
public record StagedImage(int number, String file, long bytes, String sha256, String contentType, String sourceUrl,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String acquired) {
}
