package org.imagegen.provider.webhook;

/** The timestamp check every signature scheme shares: epoch seconds, at most the tolerance from now either way. */
final class Timestamps {

    private Timestamps() {
    }

    /** Refuses (403) a timestamp that is not a number or is further than {@code toleranceMs} from {@code now}. */
    static void requireFresh(String timestamp, long now, long toleranceMs) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw WebhookRefusedException.unsigned("the timestamp is not a number of seconds");
        }
        long distance;
        try {
            distance = Math.abs(Math.subtractExact(now, Math.multiplyExact(seconds, 1000L)));
        } catch (ArithmeticException e) {
            distance = Long.MAX_VALUE;
        }
        if (distance > toleranceMs) {
            throw WebhookRefusedException.stale("the timestamp is further from now than the tolerance of "
                    + toleranceMs / 1000 + " s");
        }
    }
}
