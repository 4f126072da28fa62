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
 * and nothing is sent.
 */
public class BudgetLedger {

    /** A job's part of its period's spend (see the class comment); the first parameter is the budget's unit. */
    private static final String USED = "SELECT COALESCE(SUM(CASE "
            + "WHEN cost_amount IS NOT NULL AND cost_unit = ? THEN cost_amount "
            + "WHEN state IN ('ACCEPTED', 'HELD_BUDGET', 'FAILED', 'CENSORED', 'CANCELLED') THEN 0 "
            + "WHEN state = 'TIMED_OUT' AND provider_job_id IS NULL THEN 0 "
            + "ELSE budget_amount END), 0) FROM job WHERE provider = ? AND budget_at >= ? AND budget_at < ?";

    /** What a budget has used in the period that holds {@code at}: spent and reserved. */
    public record Usage(Budget budget, double used, long periodStart, long periodEnd) {
        public double remaining() {
            return Math.max(0, budget.limit() - used);
        }
    }

    /**
     * A budget as the API, the jobs page and the metrics show it: its setting, limit and unit, what it has used
     * (spent and reserved) and has left in the current period, which runs from {@code periodStart} to
     * {@code periodEnd} (epoch milliseconds, UTC periods).
     */
    public record Status(String setting, String provider, String period, double limit, String unit, double used,
                         double remaining, long periodStart, long periodEnd) {
    }

    /** A create of {@code amount} that {@code budget} could not take: {@code used} was spent or reserved already. */
    public record Over(Budget budget, double used, double amount, long periodEnd) {
        public String reason() {
            return "budget " + budget.key() + " (" + number(budget.limit()) + " " + budget.unit()
                    + ") would be passed: " + number(used) + " spent or reserved this " + budget.period().name()
                    .toLowerCase() + ", this create " + number(amount);
        }
    }

    /**
     * One create weighed against its provider's budgets: {@link #holds} runs in the transaction of the job's
     * SUBMITTING write; when it says no, {@link #over} says which budget.
     */
    public final class Reservation {
        private final String jobKey;
        private final String provider;
        private final double amount;
        private final long now;
        private Over over;

        private Reservation(String jobKey, String provider, double amount, long now) {
            this.jobKey = jobKey;
            this.provider = provider;
            this.amount = amount;
            this.now = now;
        }

        /** Writes the reservation and locks the provider's budgets; false (roll back) when one would be passed. */
        public boolean holds(Connection c) throws SQLException {
            try (PreparedStatement reserve = c.prepareStatement(
                    "UPDATE job SET budget_at = ?, budget_amount = ? WHERE job_key = ?")) {
                reserve.setLong(1, now);
                reserve.setDouble(2, amount);
                reserve.setString(3, jobKey);
                reserve.executeUpdate();
            }
            ProviderLocks.lock(c, provider);
            // read after the lock: every reservation made under it before is committed and counted
            for (Budget budget : budgets.of(provider)) {
                double used = used(c, budget, now);
                if (used > budget.limit() + 1e-9 * Math.max(1, budget.limit())) {
                    over = new Over(budget, used - amount, amount, budget.period().end(now));
                    return false;
                }
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

    private final DataSource dataSource;
    private final Budgets budgets;
    private final Prices prices;

    public BudgetLedger(DataSource dataSource, Budgets budgets, Prices prices) {
        this.dataSource = dataSource;
        this.budgets = budgets;
        this.prices = prices;
    }

    public Budgets budgets() {
        return budgets;
    }

    /** The lock row of every budgeted provider (another instance may be adding the same ones). */
    public void createLocks() {
        ProviderLocks.create(dataSource, budgets.all().stream().map(Budget::provider).distinct().toList());
    }

    /** Whether {@code provider} has a budget: only then is a create weighed. */
    public boolean applies(String provider) {
        return !budgets.of(provider).isEmpty();
    }

    /**
     * The create about to be sent for job {@code jobKey} at {@code provider} (one with a budget), for {@code count}
     * images (null: one) of {@code model}, weighed at {@code now}.
     */
    public Reservation reservation(String jobKey, String provider, String model, Integer count, long now) {
        Prices.Cost expected = prices.expected(provider, model, count == null ? 1 : count);
        return new Reservation(jobKey, provider, expected.amount(), now);
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
                u.remaining(), u.periodStart(), u.periodEnd())).toList();
    }

    private static double used(Connection c, Budget budget, long now) throws SQLException {
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

    static String number(double amount) {
        return amount == Math.rint(amount) && Math.abs(amount) < 1e15 ? Long.toString((long) amount)
                : Double.toString(Math.round(amount * 1e6) / 1e6);
    }
}
