package org.imagegen.provider;

import org.imagegen.support.Amounts;

/**
 * What a provider's estimate said before a create (a definition's estimatePath): the create's {@code cost} and the
 * {@code balance} left (null when the provider reports none), both in the provider's cost unit; or, when the estimate
 * could not be had (an error answer, a timeout, an answer the definition cannot read), {@code failure}: why. A failed
 * estimate holds nothing back: the create is sent and the job is priced as without one.
 */
public record Estimate(Double cost, Double balance, String failure) {

    public static Estimate of(Double cost, Double balance) {
        return new Estimate(cost, balance, null);
    }

    public static Estimate failed(String failure) {
        return new Estimate(null, null, failure);
    }

    /** What is missing, for a reason: {@code 5 credits needed, 3 left} ({@code unit} null: the numbers alone). */
    public String shortfall(String unit) {
        return Amounts.text(cost) + (unit == null ? "" : " " + unit) + " needed, " + Amounts.text(balance) + " left";
    }

    /** Whether the balance the provider reported cannot pay the estimated cost. */
    public boolean unaffordable() {
        return cost != null && balance != null && cost > balance;
    }
}
