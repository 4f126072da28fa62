package org.imagegen.support;

/** How an amount of money, credits or tokens is written in a reason or a log line: {@code 3}, {@code 0.025}. */
public final class Amounts {

    private Amounts() {
    }

    /** A whole amount without its ".0"; any other rounded to six decimals (what a price can carry). */
    public static String text(double amount) {
        return amount == Math.rint(amount) && Math.abs(amount) < 1e15 ? Long.toString((long) amount)
                : Double.toString(Math.round(amount * 1e6) / 1e6);
    }
}
