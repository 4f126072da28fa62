package org.imagegen.request;

import java.util.List;
import java.util.Map;

/**
 * One validated image-generation request, provider-neutral. {@code key} is the idempotency key: the request's
 * {@code id}, or a hash of its content when it has none ({@code keyFromContent}). {@code model}: the model the
 * request names, null for the provider's default (a provider that takes none refuses it when validating).
 * {@code route}: the named route over providers the job may fall over along ({@code imagegen.routes.<name>}), null
 * for none; {@code provider} and {@code model} are then the route's step the job is at (see docs/routing.md).
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
        String model,
        String route) {

    public GenerationRequest {
        options = options == null ? Map.of() : options;
        metadata = metadata == null ? Map.of() : metadata;
        sinks = sinks == null ? List.of() : sinks;
    }

    /** A request that names no route. */
    public GenerationRequest(String key, boolean keyFromContent, String provider, String prompt, String negativePrompt,
                             String aspectRatio, Integer count, Long seed, Map<String, Object> options,
                             Map<String, Object> metadata, List<String> sinks, String model) {
        this(key, keyFromContent, provider, prompt, negativePrompt, aspectRatio, count, seed, options, metadata, sinks,
                model, null);
    }

    /** The same request at another step of its route: that step's provider and model (null: its default). */
    public GenerationRequest atStep(String stepProvider, String stepModel) {
        return new GenerationRequest(key, keyFromContent, stepProvider, prompt, negativePrompt, aspectRatio, count, seed,
                options, metadata, sinks, stepModel, route);
    }

    /** A request that names no model. */
    public GenerationRequest(String key, boolean keyFromContent, String provider, String prompt, String negativePrompt,
                             String aspectRatio, Integer count, Long seed, Map<String, Object> options,
                             Map<String, Object> metadata, List<String> sinks) {
        this(key, keyFromContent, provider, prompt, negativePrompt, aspectRatio, count, seed, options, metadata, sinks,
                null, null);
    }
}
