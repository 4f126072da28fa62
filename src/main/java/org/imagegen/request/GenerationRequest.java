package org.imagegen.request;

import java.util.List;
import java.util.Map;

/**
 * One validated image-generation request, provider-neutral. {@code key} is the idempotency key: the request's
 * {@code id}, or a hash of its content when it has none ({@code keyFromContent}). {@code model}: the model the
 * request names, null for the provider's default (a provider that takes none refuses it when validating).
 */
public record GenerationRequest(
        String key,
        boolean keyFromContent,
        String provider,
        String prompt,
        String negativePrompt,
        String aspectRatio,
        Integer count,
        Long seed,
        Map<String, Object> options,
        Map<String, Object> metadata,
        List<String> sinks,
        String model) {

    public GenerationRequest {
        options = options == null ? Map.of() : options;
        metadata = metadata == null ? Map.of() : metadata;
        sinks = sinks == null ? List.of() : sinks;
    }

    /** A request that names no model. */
    public GenerationRequest(String key, boolean keyFromContent, String provider, String prompt, String negativePrompt,
                             String aspectRatio, Integer count, Long seed, Map<String, Object> options,
                             Map<String, Object> metadata, List<String> sinks) {
        this(key, keyFromContent, provider, prompt, negativePrompt, aspectRatio, count, seed, options, metadata, sinks,
                null);
    }
}
