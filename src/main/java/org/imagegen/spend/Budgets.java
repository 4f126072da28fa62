package org.imagegen.spend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The budgets an operator set: {@code imagegen.budgets.<provider>.per-day} and {@code .per-month}, each in the unit
 * of the provider's configured price ({@code imagegen.providers.<provider>.price-unit}), periods in UTC; and what
 * becomes of a job whose create would pass one ({@code imagegen.budgets.when-over}: {@code hold}, the default, or
 * {@code refuse}) and how often a held job is weighed again ({@code imagegen.budgets.recheck}). There is no overall
 * budget: providers charge in different units (credits, USD) and the bundle knows no rate between them. Plain Java;
 * a bad setting, or a budget for a provider without a configured price (what a create is expected to cost comes from
 * it), is refused when the bundle starts, naming its key.
 */
public final class Budgets {

    static final String PREFIX = "imagegen.budgets.";

    /** A budget's period, in UTC: the calendar day or month an instant falls in. */
    public enum Period {
        DAY("per-day"), MONTH("per-month");

        private final String setting;

        Period(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }

        /** The first millisecond of the period {@code at} falls in. */
        public long start(long at) {
            ZonedDateTime day = Instant.ofEpochMilli(at).atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
            return (this == DAY ? day : day.withDayOfMonth(1)).toInstant().toEpochMilli();
        }

        /** The first millisecond of the next period. */
        public long end(long at) {
            ZonedDateTime start = Instant.ofEpochMilli(start(at)).atZone(ZoneOffset.UTC);
            return (this == DAY ? start.plusDays(1) : start.plusMonths(1)).toInstant().toEpochMilli();
        }
    }

    /** At most {@code limit} {@code unit} spent at {@code provider} per {@code period}. */
    public record Budget(String provider, Period period, double limit, String unit) {
        /** The setting that set it: what a reason names. */
        public String key() {
            return PREFIX + provider + "." + period.setting();
        }
    }

    private final List<Budget> budgets;
    private final boolean refuse;
    private final Duration recheck;

    private Budgets(List<Budget> budgets, boolean refuse, Duration recheck) {
        this.budgets = budgets;
        this.refuse = refuse;
        this.recheck = recheck;
    }

    /** No budgets: every create is sent. */
    public static Budgets none() {
        return new Budgets(List.of(), false, Duration.ofMinutes(1));
    }

    /**
     * The budgets among {@code settings} (key to value; keys outside imagegen.budgets. are ignored, a blank value is
     * no setting), each in the unit of its provider's price in {@code prices}. {@code recheck}: how often a held job
     * is weighed again.
     */
    public static Budgets of(Map<String, String> settings, Prices prices, Duration recheck) {
        List<Budget> budgets = new ArrayList<>();
        boolean refuse = false;
        for (Map.Entry<String, String> setting : new TreeMap<>(settings).entrySet()) {
            String key = setting.getKey();
            String value = setting.getValue() == null ? "" : setting.getValue().strip();
            if (!key.startsWith(PREFIX) || value.isEmpty()) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            if (rest.equals("when-over")) {
                if (!value.equals("hold") && !value.equals("refuse")) {
                    throw new IllegalArgumentException(key + ": '" + value + "' is neither hold nor refuse");
                }
                refuse = value.equals("refuse");
            } else if (rest.endsWith("." + Period.DAY.setting()) || rest.endsWith("." + Period.MONTH.setting())) {
                budgets.add(budget(key, rest, value, prices));
            } else if (!rest.equals("recheck")) {
                throw new IllegalArgumentException(key + ": not a budget setting (imagegen.budgets.<provider>.per-day, "
                        + ".per-month, imagegen.budgets.when-over, imagegen.budgets.recheck)");
            }
        }
        if (recheck.isZero() || recheck.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "recheck: must be positive (" + recheck + ")");
        }
        return new Budgets(List.copyOf(budgets), refuse, recheck);
    }

    private static Budget budget(String key, String rest, String value, Prices prices) {
        int dot = rest.lastIndexOf('.');
        String provider = rest.substring(0, dot);
        Period period = rest.endsWith(Period.DAY.setting()) ? Period.DAY : Period.MONTH;
        if (provider.equals("total")) {
            throw new IllegalArgumentException(key + ": there is no overall budget (providers charge in different "
                    + "units and no rate between them is known): set one per provider");
        }
        double limit;
        try {
            limit = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
        }
        if (!Double.isFinite(limit) || limit < 0) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a budget (a number, 0 or more)");
        }
        String unit = prices.unit(provider);
        if (unit == null) {
            throw new IllegalArgumentException(key + ": a budget needs a configured price for " + provider
                    + " (imagegen.providers." + provider + ".price and .price-unit): what a create will cost is "
                    + "known before it is sent only from it");
        }
        return new Budget(provider, period, limit, unit);
    }

    public List<Budget> all() {
        return budgets;
    }

    /** The budgets of {@code provider} (none, one or both periods). */
    public List<Budget> of(String provider) {
        return budgets.stream().filter(b -> b.provider().equals(provider)).toList();
    }

    /** Whether a job whose create would pass a budget fails (refuse) instead of waiting (hold). */
    public boolean refuses() {
        return refuse;
    }

    public Duration recheck() {
        return recheck;
    }
}
