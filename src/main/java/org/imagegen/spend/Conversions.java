package org.imagegen.spend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One currency for spend across providers that charge in different units: {@code imagegen.spend.currency} (e.g.
 * {@code USD}) and, per provider, {@code imagegen.providers.<name>.unit-price}, what one unit of that provider's own
 * unit (its credits, tokens, ...) costs in the currency. A cost already in the currency needs no rate. What is
 * converted is converted at the rates configured now: a job shows, and a budget counts, its cost at today's rate.
 * Plain Java; a bad setting is refused when the bundle starts, naming its key.
 */
public final class Conversions {

    static final String CURRENCY = "imagegen.spend.currency";
    private static final String PREFIX = "imagegen.providers.";
    private static final String UNIT_PRICE = ".unit-price";

    private final String currency;
    private final Map<String, Double> unitPrices;

    private Conversions(String currency, Map<String, Double> unitPrices) {
        this.currency = currency;
        this.unitPrices = unitPrices;
    }

    /** No currency: costs stay in their providers' units. */
    public static Conversions none() {
        return new Conversions(null, Map.of());
    }

    /** Whether {@code key} is one of these settings. */
    public static boolean isSetting(String key) {
        return key.equals(CURRENCY) || key.startsWith(PREFIX) && key.endsWith(UNIT_PRICE);
    }

    /** The conversions among {@code settings} (other keys are ignored; a blank value is no setting). */
    public static Conversions of(Map<String, String> settings) {
        String currency = settings.getOrDefault(CURRENCY, "");
        currency = currency == null ? "" : currency.strip();
        if (currency.length() > 32) {
            throw new IllegalArgumentException(CURRENCY + ": '" + currency + "' is longer than 32 characters");
        }
        Map<String, Double> unitPrices = new TreeMap<>();
        for (Map.Entry<String, String> setting : new TreeMap<>(settings).entrySet()) {
            String key = setting.getKey();
            String value = setting.getValue() == null ? "" : setting.getValue().strip();
            if (key.equals(CURRENCY) || !isSetting(key) || value.isEmpty()) {
                continue;
            }
            if (currency.isEmpty()) {
                throw new IllegalArgumentException(key + ": a unit price is in a currency: set " + CURRENCY
                        + " (USD, EUR, ...) too");
            }
            unitPrices.put(key.substring(PREFIX.length(), key.length() - UNIT_PRICE.length()),
                    Prices.nonNegative(key, value, "a unit price"));
        }
        return new Conversions(currency.isEmpty() ? null : currency, Map.copyOf(unitPrices));
    }

    /** The currency spend is converted to; null when none is set. */
    public String currency() {
        return currency;
    }

    /** The setting that converts {@code provider}'s own unit: what an error names. */
    public static String unitPriceKey(String provider) {
        return PREFIX + provider + UNIT_PRICE;
    }

    /** Whether an amount in {@code unit} at {@code provider} can be converted to the currency. */
    public boolean converts(String provider, String unit) {
        return convert(provider, 0, unit) != null;
    }

    /**
     * A job's cost as the manifest, the API and the events show it: {@code {"amount", "unit", "source"}}, source
     * {@code reported} (the provider's figure) or {@code configured} (the operator's price; null is taken as reported:
     * a row costed before the source was recorded had only the provider's figure), and where it can be converted,
     * {@code "converted": {"amount", "currency"}}; null when there is no cost.
     */
    public Map<String, Object> view(String provider, Double amount, String unit, String source) {
        if (amount == null) {
            return null;
        }
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("amount", amount);
        cost.put("unit", unit);
        cost.put("source", source == null ? "reported" : source);
        Double converted = convert(provider, amount, unit);
        if (converted != null) {
            cost.put("converted", Map.of("amount", converted, "currency", currency));
        }
        return cost;
    }

    /**
     * {@code amount} in {@code unit} at {@code provider}, in the currency: as it is when {@code unit} is the currency,
     * else times the provider's unit price; null when there is no currency or no unit price for it.
     */
    public Double convert(String provider, double amount, String unit) {
        if (currency == null) {
            return null;
        }
        if (unit != null && unit.strip().equalsIgnoreCase(currency)) {
            return amount;
        }
        Double rate = unitPrices.get(provider);
        return rate == null ? null : amount * rate;
    }
}
