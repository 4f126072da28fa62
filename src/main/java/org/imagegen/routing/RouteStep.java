package org.imagegen.routing;

/**
 * One step of a route over providers: a provider and, optionally, the model it is asked for there (null: the
 * provider's default, {@code imagegen.providers.<name>.model}). Written {@code bfl} or {@code bfl:flux-pro-1.1}.
 */
public record RouteStep(String provider, String model) {

    /** {@code provider} or {@code provider:model}; an error says what is wrong with the text. */
    public static RouteStep parse(String text) {
        String step = text == null ? "" : text.strip();
        int colon = step.indexOf(':');
        String provider = (colon < 0 ? step : step.substring(0, colon)).strip();
        String model = colon < 0 ? null : step.substring(colon + 1).strip();
        if (provider.isEmpty()) {
            throw new IllegalArgumentException("step '" + step + "' names no provider");
        }
        if (model != null && model.isEmpty()) {
            throw new IllegalArgumentException("step '" + step + "' has an empty model after ':'");
        }
        return new RouteStep(provider, model);
    }

    @Override
    public String toString() {
        return model == null ? provider : provider + ":" + model;
    }
}
