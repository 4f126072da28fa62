package org.imagegen.simulator;

/**
 * Prompt directives beyond {@link Scenario}'s, for the moderation and failure forms that only some providers have
 * (read by the simulators that have them, ignored by the others):
 * <ul>
 *   <li>{@code sim:censor-request}: the prompt itself is refused (Black Forest Labs' {@code Request Moderated}, as
 *       opposed to {@code sim:censor}, the output refused: {@code Content Moderated});</li>
 *   <li>{@code sim:nsfw-one}: one image of the generation is flagged as not safe for work (the last one; Leonardo's
 *       per-image {@code nsfw}, fal's {@code has_nsfw_concepts}), the others are clean;</li>
 *   <li>{@code sim:nsfw-all}: every image is flagged;</li>
 *   <li>{@code sim:fail-request}: fal only: the request fails on fal's side (a request error with
 *       {@code error_type}) instead of in the model ({@code sim:fail}, a model error).</li>
 * </ul>
 */
record ProviderDirectives(boolean censorRequest, boolean nsfwOne, boolean nsfwAll, boolean failRequest) {

    static ProviderDirectives of(String prompt) {
        String p = prompt == null ? "" : prompt;
        return new ProviderDirectives(p.contains("sim:censor-request"), p.contains("sim:nsfw-one"),
                p.contains("sim:nsfw-all"), p.contains("sim:fail-request"));
    }

    /** Whether image {@code index} of {@code count} is flagged. */
    boolean flagged(int index, int count) {
        return nsfwAll || nsfwOne && index == count - 1;
    }
}
