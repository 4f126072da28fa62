package org.imagegen.job;

import java.util.List;

/**
 * Which jobs a list shows: any of these states (none: every state), one provider, one route, accepted from
 * (inclusive) and to (exclusive) in epoch milliseconds, and a key that is or starts with {@code keyPrefix}. A null
 * field does not filter. Each filter reads an indexed column (see migration V17).
 */
public record JobSearch(List<JobState> states, String provider, String route, Long acceptedFrom, Long acceptedTo,
                        String keyPrefix) {

    public JobSearch {
        states = states == null ? List.of() : List.copyOf(states);
    }

    /** Every job. */
    public static JobSearch all() {
        return new JobSearch(List.of(), null, null, null, null, null);
    }
}
