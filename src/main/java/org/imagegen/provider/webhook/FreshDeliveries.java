package org.imagegen.provider.webhook;

/**
 * What every signature scheme checks once the signature holds: a timestamp (epoch seconds) at most the tolerance from
 * now either way, and an id not accepted before ({@link ReplayGuard}, which keeps ids for twice the tolerance, since a
 * timestamp may be that far on either side of now).
 */
final class FreshDeliveries {

    private final long toleranceMs;
    private final ReplayGuard replays;

    FreshDeliveries(long toleranceMs, int replayCapacity) {
        this.toleranceMs = toleranceMs;
        this.replays = new ReplayGuard(2 * toleranceMs, replayCapacity);
    }

    /** Refuses (403) a stale timestamp or a replay of delivery {@code id}; records the id otherwise. */
    void accept(String id, String timestamp, long now) {
        requireFresh(timestamp, now, toleranceMs);
        if (!replays.firstTime(id, now)) {
            throw WebhookRefusedException.stale("delivery " + id + " was received before (a replay)");
        }
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
