package org.imagegen.spend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The budgets an operator set, periods in UTC: per provider, {@code imagegen.budgets.<provider>.per-day} and
 * {@code .per-month}, each in the unit of the provider's configured price
 * ({@code imagegen.providers.<provider>.price-unit}); overall, {@code imagegen.budgets.overall.per-day} and
 * {@code .per-month}, and per route over providers, {@code imagegen.budgets.route.<route>.per-day} and
 * {@code .per-month}, both in the one currency ({@code imagegen.spend.currency}, see {@link Conversions}); what
 * becomes of a job whose create would pass one ({@code imagegen.budgets.when-over}: {@code hold}, the default, or
 * {@code refuse}) and how often a held job is weighed again ({@code imagegen.budgets.recheck}). Plain Java; a bad
 * setting, a provider budget for a provider without a configured price (what a create is expected to cost comes from
 * it) or a currency budget without a currency is refused when the bundle starts, naming its key; so is, once every
 * provider is known ({@link #checkCovered}), a currency budget over a provider whose price cannot be converted.
 */
public final class Budgets {

    static final String PREFIX = "imagegen.budgets.";
    private static final String OVERALL = "overall";
    private static final String ROUTE = "route.";

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

    /** What a budget covers: one provider's creates, every create, or the creates of the jobs on one route. */
    public enum Scope {
        PROVIDER, OVERALL, ROUTE
    }

    /**
     * At most {@code limit} {@code unit} spent per {@code period} by what {@code scope} covers: the provider or the
     * route named {@code name} (null for the overall budget).
     */
    public record Budget(Scope scope, String name, Period period, double limit, String unit) {
        /** A provider's budget. */
        public Budget(String provider, Period period, double limit, String unit) {
            this(Scope.PROVIDER, provider, period, limit, unit);
        }

        /** The provider a provider's budget is for; null for the others. */
        public String provider() {
            return scope == Scope.PROVIDER ? name : null;
        }

        /** The route a route's budget is for; null for the others. */
        public String route() {
            return scope == Scope.ROUTE ? name : null;
        }

        /** The setting that set it: what a reason names. */
        public String key() {
            return PREFIX + switch (scope) {
                case PROVIDER -> name + ".";
                case OVERALL -> OVERALL + ".";
                case ROUTE -> ROUTE + name + ".";
            } + period.setting();
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

    /** As {@link #of(Map, Prices, Conversions, Duration)} without a currency. */
    public static Budgets of(Map<String, String> settings, Prices prices, Duration recheck) {
        return of(settings, prices, Conversions.none(), recheck);
    }

    /**
     * The budgets among {@code settings} (key to value; keys outside imagegen.budgets. are ignored, a blank value is
     * no setting), a provider's in the unit of its price in {@code prices}, the overall and route ones in the
     * currency of {@code conversions}. {@code recheck}: how often a held job is weighed again.
     */
    public static Budgets of(Map<String, String> settings, Prices prices, Conversions conversions, Duration recheck) {
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
                budgets.add(budget(key, rest, value, prices, conversions));
            } else if (!rest.equals("recheck")) {
                throw new IllegalArgumentException(key + ": not a budget setting (imagegen.budgets.<provider>.per-day, "
                        + ".per-month, imagegen.budgets.overall.per-day, .per-month, "
                        + "imagegen.budgets.route.<route>.per-day, .per-month, imagegen.budgets.when-over, "
                        + "imagegen.budgets.recheck)");
            }
        }
        if (recheck.isZero() || recheck.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "recheck: must be positive (" + recheck + ")");
        }
        return new Budgets(List.copyOf(budgets), refuse, recheck);
    }

    private static Budget budget(String key, String rest, String value, Prices prices, Conversions conversions) {
        String name = rest.substring(0, rest.lastIndexOf('.'));
        Period period = rest.endsWith(Period.DAY.setting()) ? Period.DAY : Period.MONTH;
        if (name.equals("total")) {
            throw new IllegalArgumentException(key + ": the budget over every provider is "
                    + PREFIX + OVERALL + "." + period.setting());
        }
        Scope scope = name.equals(OVERALL) ? Scope.OVERALL : name.startsWith(ROUTE) ? Scope.ROUTE : Scope.PROVIDER;
        double limit = Prices.nonNegative(key, value, "a budget");
        if (scope != Scope.PROVIDER) {
            if (conversions.currency() == null) {
                throw new IllegalArgumentException(key + ": " + (scope == Scope.OVERALL ? "an overall" : "a route's")
                        + " budget is in one currency: set " + Conversions.CURRENCY + " (USD, EUR, ...) and each "
                        + "provider's imagegen.providers.<name>.unit-price");
            }
            String route = scope == Scope.ROUTE ? name.substring(ROUTE.length()) : null;
            if (route != null && route.isEmpty()) {
                throw new IllegalArgumentException(key + ": names no route (imagegen.budgets.route.<route>.per-day)");
            }
            return new Budget(scope, route, period, limit, conversions.currency());
        }
        String unit = prices.unit(name);
        if (unit == null) {
            throw new IllegalArgumentException(key + ": a budget needs a configured price for " + name
                    + " (imagegen.providers." + name + ".price and .price-unit): what a create will cost is "
                    + "known before it is sent only from it");
        }
        return new Budget(name, period, limit, unit);
    }

    /**
     * Once every provider is known: each provider an overall budget covers ({@code providers}, all of them) and each
     * provider on a route with a budget ({@code routeProviders}: a route's providers, null for an unknown route) has a
     * price, to weigh a create before it is sent, that can be converted to the currency. An error names the budget
     * and the setting missing.
     */
    public void checkCovered(Collection<String> providers, Function<String, Collection<String>> routeProviders,
                             Prices prices, Conversions conversions) {
        for (Budget budget : budgets) {
            if (budget.scope() == Scope.PROVIDER) {
                continue;
            }
            Collection<String> covered = budget.scope() == Scope.OVERALL ? providers
                    : routeProviders.apply(budget.route());
            if (covered == null) {
                throw new IllegalArgumentException(budget.key() + ": there is no route '" + budget.route()
                        + "' (imagegen.routes.<name>)");
            }
            for (String provider : new TreeSet<>(covered)) {
                String unit = prices.unit(provider);
                if (unit == null) {
                    throw new IllegalArgumentException(budget.key() + ": covers " + provider + ", which has no price "
                            + "to weigh a create by before it is sent: set imagegen.providers." + provider
                            + ".price and .price-unit");
                }
                if (!conversions.converts(provider, unit)) {
                    throw new IllegalArgumentException(budget.key() + ": covers " + provider + ", whose price is in "
                            + unit + " with no conversion to " + conversions.currency() + ": set "
                            + Conversions.unitPriceKey(provider) + " (" + conversions.currency() + " per " + unit + ")");
                }
            }
        }
    }

    public List<Budget> all() {
        return budgets;
    }

    /** The budgets of {@code provider} (none, one or both periods). */
    public List<Budget> of(String provider) {
        return budgets.stream().filter(b -> provider.equals(b.provider())).toList();
    }

    /** The budgets in the currency a create on {@code route} (null: none) counts against: overall and the route's. */
    public List<Budget> inCurrency(String route) {
        return budgets.stream().filter(b -> b.scope() == Scope.OVERALL
                || b.scope() == Scope.ROUTE && b.route().equals(route)).toList();
    }

    /** Whether a job whose create would pass a budget fails (refuse) instead of waiting (hold). */
    public boolean refuses() {
        return refuse;
    }

    public Duration recheck() {
        return recheck;
    }
}
