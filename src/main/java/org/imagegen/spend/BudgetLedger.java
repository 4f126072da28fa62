package org.imagegen.spend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.imagegen.job.ProviderLocks;
import org.imagegen.spend.Budgets.Budget;
import org.imagegen.support.Amounts;

/**
 * What each budget has left, from the job store itself (plain JDBC; the same SQL runs on H2 and PostgreSQL). A job
 * whose create was let through counts in the period of that moment ({@code budget_at}) at its cost once known (in the
 * budget's unit), else at what the create was expected to cost ({@code budget_amount}), or at nothing once it ended
 * without being charged: never created (back to ACCEPTED, held, or timed out with no generation id), FAILED,
 * CENSORED or CANCELLED with no cost. Nothing is added up beside the jobs, so a crash, a retry or a second instance
 * can leave no count behind that disagrees with them.
 * <p>
 * A create is weighed in the transaction of the SUBMITTING write that must precede it ({@link Reservation}): the job's
 * reservation is written, the provider's row in {@code provider_lock} is locked, and the sums read afresh include every
 * reservation another instance committed before it; if one budget would be passed, the transaction is rolled back
 * and nothing is sent. The overall and route budgets, in one currency, are weighed the same way under one more lock
 * row ({@link #SPEND_LOCK}, always taken after the provider's, so two transactions never wait on each other in a
 * circle): every provider's jobs in the period (a route's: those on it, by the job's {@code route}), each amount
 * converted at the configured rates (a cost that cannot be converted counts at its
 * converted reservation).
 */
public class BudgetLedger {

    /** A job's part of its period's spend (see the class comment); the first parameter is the budget's unit. */
    private static final String USED = "SELECT COALESCE(SUM(CASE "
            + "WHEN cost_amount IS NOT NULL AND cost_unit = ? THEN cost_amount "
            + "WHEN state IN ('ACCEPTED', 'HELD_BUDGET', 'FAILED', 'CENSORED', 'CANCELLED') THEN 0 "
            + "WHEN state = 'TIMED_OUT' AND provider_job_id IS NULL THEN 0 "
            + "ELSE budget_amount END), 0) FROM job WHERE provider = ? AND budget_at >= ? AND budget_at < ?";

    /** The lock row of the budgets in the currency (a name no provider can have: it holds a colon). */
    static final String SPEND_LOCK = "budgets:currency";

    /** Uncharged: what a job that ended without being charged counts (see the class comment). */
    private static final String UNCHARGED = "WHEN state IN ('ACCEPTED', 'HELD_BUDGET', 'FAILED', 'CENSORED', "
            + "'CANCELLED') THEN 0 WHEN state = 'TIMED_OUT' AND provider_job_id IS NULL THEN 0 ";

    /** Per provider and unit of cost: the costs known, and the reservations of the jobs not (yet) costed or charged. */
    private static final String USED_BY_PROVIDER = "SELECT provider, cost_unit, COALESCE(SUM(cost_amount), 0), "
            + "COALESCE(SUM(CASE WHEN cost_amount IS NOT NULL THEN budget_amount ELSE 0 END), 0), COALESCE(SUM(CASE WHEN cost_amount IS NOT NULL THEN 0 " + UNCHARGED
            + "ELSE budget_amount END), 0) FROM job WHERE budget_at >= ? AND budget_at < ?";

    /** What a budget has used in the period that holds {@code at}: spent and reserved. */
    public record Usage(Budget budget, double used, long periodStart, long periodEnd) {
        public double remaining() {
            return Math.max(0, budget.limit() - used);
        }
    }

    /**
     * A budget as the API, the jobs page and the metrics show it: its setting, limit and unit, what it has used
     * (spent and reserved) and has left in the current period, which runs from {@code periodStart} to
     * {@code periodEnd} (epoch milliseconds, UTC periods); {@code scope}: provider, overall or route, and
     * {@code provider} or {@code route} the one it is for (null for the others).
     */
    public record Status(String setting, String provider, String period, double limit, String unit, double used,
                         double remaining, long periodStart, long periodEnd, String scope, String route) {
    }

    /** A create of {@code amount} that {@code budget} could not take: {@code used} was spent or reserved already. */
    public record Over(Budget budget, double used, double amount, long periodEnd) {
        public String reason() {
            return "budget " + budget.key() + " (" + Amounts.text(budget.limit()) + " " + budget.unit()
                    + ") would be passed: " + Amounts.text(used) + " spent or reserved this " + budget.period().name()
                    .toLowerCase() + ", this create " + Amounts.text(amount);
        }
    }

    /**
     * One create weighed against its provider's budgets and the budgets in the currency (overall, its route's):
     * {@link #holds} runs in the transaction of the job's SUBMITTING write; when it says no, {@link #over} says which
     * budget.
     */
    public final class Reservation {
        private final String jobKey;
        private final String provider;
        private final String route;
        private final double amount;
        private final Double converted;
        private final long now;
        private Over over;

        private Reservation(String jobKey, String provider, String route, double amount, Double converted, long now) {
            this.jobKey = jobKey;
            this.provider = provider;
            this.route = route;
            this.amount = amount;
            this.converted = converted;
            this.now = now;
        }

        /** Writes the reservation and locks the budgets it counts in; false (roll back) when one would be passed. */
        public boolean holds(Connection c) throws SQLException {
            try (PreparedStatement reserve = c.prepareStatement(
                    "UPDATE job SET budget_at = ?, budget_amount = ? WHERE job_key = ?")) {
                reserve.setLong(1, now);
                reserve.setDouble(2, amount);
                reserve.setString(3, jobKey);
                reserve.executeUpdate();
            }
            return allWithin(c, provider, budgets.of(provider), budget -> used(c, budget, now), amount)
                    && allWithin(c, SPEND_LOCK, budgets.inCurrency(route),
                            budget -> usedInCurrency(c, budget, now), converted);
        }

        /**
         * Whether each of {@code counted} holds {@code amount} more, under {@code lock} (taken only when there is a
         * budget to count in). {@code amount} is null only where no budget counts it (a price with no conversion).
         */
        private boolean allWithin(Connection c, String lock, List<Budget> counted, UsedSoFar used, Double amount)
                throws SQLException {
            if (counted.isEmpty()) {
                return true;
            }
            ProviderLocks.lock(c, lock);
            // read after the lock: every reservation made under it before is committed and counted
            for (Budget budget : counted) {
                if (!within(budget, used.of(budget), amount)) {
                    return false;
                }
            }
            return true;
        }

        private boolean within(Budget budget, double used, double amount) {
            if (used > budget.limit() + 1e-9 * Math.max(1, budget.limit())) {
                over = new Over(budget, used - amount, amount, budget.period().end(now));
                return false;
            }
            return true;
        }

        public Over over() {
            return over;
        }

        public double amount() {
            return amount;
        }
    }

    /** What a budget has used so far, read in the reservation's transaction. */
    private interface UsedSoFar {
        double of(Budget budget) throws SQLException;
    }

    private final DataSource dataSource;
    private final Budgets budgets;
    private final Prices prices;
    private final Conversions conversions;

    public BudgetLedger(DataSource dataSource, Budgets budgets, Prices prices) {
        this(dataSource, budgets, prices, Conversions.none());
    }

    public BudgetLedger(DataSource dataSource, Budgets budgets, Prices prices, Conversions conversions) {
        this.dataSource = dataSource;
        this.budgets = budgets;
        this.prices = prices;
        this.conversions = conversions;
    }

    public Budgets budgets() {
        return budgets;
    }

    public Conversions conversions() {
        return conversions;
    }

    public Prices prices() {
        return prices;
    }

    /** The lock row of every budgeted provider and of the budgets in the currency (another instance may be adding the same ones). */
    public void createLocks() {
        List<String> locks = new ArrayList<>(budgets.all().stream().map(Budget::provider).filter(p -> p != null)
                .distinct().toList());
        if (budgets.all().stream().anyMatch(b -> b.scope() != Budgets.Scope.PROVIDER)) {
            locks.add(SPEND_LOCK);
        }
        ProviderLocks.create(dataSource, locks);
    }

    /** Whether {@code provider} has a budget: only then is a create weighed. */
    public boolean applies(String provider) {
        return applies(provider, null);
    }

    /** Whether a create at {@code provider} on {@code route} (null: none) counts against a budget. */
    public boolean applies(String provider, String route) {
        return !budgets.of(provider).isEmpty() || !budgets.inCurrency(route).isEmpty();
    }

    /** As {@link #reservation(String, String, String, String, Integer, long)} for a job on no route. */
    public Reservation reservation(String jobKey, String provider, String model, Integer count, long now) {
        return reservation(jobKey, provider, null, model, count, now);
    }

    /**
     * The create about to be sent for job {@code jobKey} at {@code provider} on {@code route} (null: none), one that
     * counts against a budget, for {@code count} images (null: one) of {@code model}, weighed at {@code now}.
     */
    public Reservation reservation(String jobKey, String provider, String route, String model, Integer count,
                                   long now) {
        Prices.Cost expected = prices.expected(provider, model, count == null ? 1 : count);
        if (expected == null) {
            // checked when the bundle starts (Budgets.checkCovered): a budget is never weighed on no price
            throw new IllegalStateException("a create at " + provider + " counts against a budget but "
                    + provider + " has no price (imagegen.providers." + provider + ".price)");
        }
        Double converted = conversions.convert(provider, expected.amount(), expected.unit());
        if (converted == null && !budgets.inCurrency(route).isEmpty()) {
            throw new IllegalStateException("a create at " + provider + " counts against a budget in "
                    + conversions.currency() + " but its price cannot be converted ("
                    + Conversions.unitPriceKey(provider) + ")");
        }
        return new Reservation(jobKey, provider, route, expected.amount(), converted, now);
    }

    /** Every budget's use in its current period (the API, the jobs page, the metrics). */
    public List<Usage> usage(long now) {
        List<Usage> usage = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Budget budget : budgets.all()) {
                usage.add(new Usage(budget, used(c, budget, now), budget.period().start(now),
                        budget.period().end(now)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the budgets' use", e);
        }
        return usage;
    }

    /** Every budget's {@link Status} now. */
    public List<Status> status(long now) {
        return usage(now).stream().map(u -> new Status(u.budget().key(), u.budget().provider(),
                u.budget().period().name().toLowerCase(), u.budget().limit(), u.budget().unit(), u.used(),
                u.remaining(), u.periodStart(), u.periodEnd(), u.budget().scope().name().toLowerCase(),
                u.budget().route())).toList();
    }

    private double used(Connection c, Budget budget, long now) throws SQLException {
        return budget.scope() == Budgets.Scope.PROVIDER ? usedAt(c, budget, now) : usedInCurrency(c, budget, now);
    }

    /**
     * What a budget in the currency has used: per provider and unit of cost, the costs known converted (or, where
     * they cannot be, the reservations of those jobs converted), and the reservations of the jobs not costed yet
     * converted from the unit of the provider's price.
     */
    private double usedInCurrency(Connection c, Budget budget, long now) throws SQLException {
        String sql = USED_BY_PROVIDER + (budget.route() == null ? "" : " AND route = ?")
                + " GROUP BY provider, cost_unit";
        double used = 0;
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setLong(1, budget.period().start(now));
            select.setLong(2, budget.period().end(now));
            if (budget.route() != null) {
                select.setString(3, budget.route());
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String provider = rs.getString(1);
                    String priceUnit = prices.unit(provider);
                    Double spent = rs.getString(2) == null ? null
                            : conversions.convert(provider, rs.getDouble(3), rs.getString(2));
                    Double reservedForSpent = priceUnit == null ? null
                            : conversions.convert(provider, rs.getDouble(4), priceUnit);
                    Double reserved = priceUnit == null ? null
                            : conversions.convert(provider, rs.getDouble(5), priceUnit);
                    used += (spent != null ? spent : reservedForSpent != null ? reservedForSpent : 0)
                            + (reserved != null ? reserved : 0);
                }
            }
        }
        return used;
    }

    private static double usedAt(Connection c, Budget budget, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(USED)) {
            select.setString(1, budget.unit());
            select.setString(2, budget.provider());
            select.setLong(3, budget.period().start(now));
            select.setLong(4, budget.period().end(now));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

}
