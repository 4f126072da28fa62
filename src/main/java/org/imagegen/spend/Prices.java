package org.imagegen.spend;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prices an operator configured for providers that report no cost of their own:
 * {@code imagegen.providers.<name>.price} (a number), {@code .price-unit} (what it is counted in: {@code USD},
 * {@code credits}; required with a price), {@code .price-per} ({@code image}, the default, or {@code generation}) and
 * per model {@code imagegen.providers.<name>.price.<model>}, which takes the provider's unit and per. A reported
 * cost always wins: a configured one is only what a job that finished without one is recorded at. Plain Java; a bad
 * setting is refused when the bundle starts, naming its key.
 */
public final class Prices {

    private static final String PREFIX = "imagegen.providers.";

    /** What a finished generation is recorded at: {@code amount} in {@code unit}. */
    public record Cost(double amount, String unit) {
    }

    private record Price(Double amount, Map<String, Double> byModel, String unit, boolean perImage) {
    }

    private final Map<String, Price> prices;

    private Prices(Map<String, Price> prices) {
        this.prices = prices;
    }

    /** No prices configured: every job keeps only what its provider reports. */
    public static Prices none() {
        return new Prices(Map.of());
    }

    /**
     * The prices among {@code settings} (key to value; keys other than a provider's price ones are ignored); a blank
     * value is no setting.
     */
    public static Prices of(Map<String, String> settings) {
        Map<String, Map<String, String>> byProvider = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (!key.startsWith(PREFIX) || value == null || value.isBlank()) {
                return;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                return;
            }
            String setting = rest.substring(dot + 1);
            if (setting.equals("price") || setting.equals("price-unit") || setting.equals("price-per")
                    || setting.startsWith("price.")) {
                byProvider.computeIfAbsent(rest.substring(0, dot), p -> new TreeMap<>()).put(setting, value.strip());
            }
        });
        Map<String, Price> prices = new HashMap<>();
        byProvider.forEach((provider, own) -> prices.put(provider, price(provider, own)));
        return new Prices(prices);
    }

    private static Price price(String provider, Map<String, String> own) {
        String key = PREFIX + provider + ".";
        Double amount = own.containsKey("price") ? amount(key + "price", own.get("price")) : null;
        Map<String, Double> byModel = new HashMap<>();
        own.forEach((setting, value) -> {
            if (setting.startsWith("price.")) {
                byModel.put(setting.substring("price.".length()), amount(key + setting, value));
            }
        });
        if (amount == null && byModel.isEmpty()) {
            throw new IllegalArgumentException(key + "price-unit/price-per: set without a price ("
                    + key + "price or " + key + "price.<model>)");
        }
        String unit = own.get("price-unit");
        if (unit == null) {
            throw new IllegalArgumentException(key + "price-unit: required with a price (USD, credits, ...)");
        }
        if (unit.length() > 32) {
            throw new IllegalArgumentException(key + "price-unit: '" + unit + "' is longer than 32 characters");
        }
        String per = own.getOrDefault("price-per", "image");
        if (!per.equals("image") && !per.equals("generation")) {
            throw new IllegalArgumentException(key + "price-per: '" + per + "' is neither image nor generation");
        }
        return new Price(amount, Map.copyOf(byModel), unit, per.equals("image"));
    }

    private static double amount(String key, String value) {
        return nonNegative(key, value, "a price");
    }

    /** The setting {@code key}'s {@code value} as a number, 0 or more; an error names the key and {@code what}. */
    static double nonNegative(String key, String value, String what) {
        double amount;
        try {
            amount = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
        }
        if (!Double.isFinite(amount) || amount < 0) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not " + what + " (a number, 0 or more)");
        }
        return amount;
    }

    /**
     * What a generation of {@code model} at {@code provider} that delivered {@code images} images costs by the
     * configured price (the model's own, else the provider's); null when none is configured for it.
     */
    public Cost configured(String provider, String model, int images) {
        Price price = prices.get(provider);
        if (price == null) {
            return null;
        }
        Double amount = model == null ? null : price.byModel().get(model);
        if (amount == null) {
            amount = price.amount();
        }
        if (amount == null) {
            return null;
        }
        return new Cost(price.perImage() ? amount * images : amount, price.unit());
    }

    /**
     * What a create at {@code provider} for {@code images} images of {@code model} is expected to cost, to be weighed
     * against a budget before it is sent: the configured price, and for a model without one of its own when the
     * provider has no price either, the highest price configured for any of its models (a budget is never passed on
     * a guess that is too low). Null when no price is configured for the provider.
     */
    public Cost expected(String provider, String model, int images) {
        Cost configured = configured(provider, model, images);
        Price price = prices.get(provider);
        if (configured != null || price == null) {
            return configured;
        }
        double highest = price.byModel().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return new Cost(price.perImage() ? highest * images : highest, price.unit());
    }

    /** The unit {@code provider}'s configured price is in; null when it has none. */
    public String unit(String provider) {
        Price price = prices.get(provider);
        return price == null ? null : price.unit();
    }
}
