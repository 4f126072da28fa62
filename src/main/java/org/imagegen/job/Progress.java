package org.imagegen.job;

import java.util.Objects;

/**
 * When a running generation's queue position or progress is worth a line in its history (and an event where RUNNING
 * is announced): a new queue position, or progress that reached the next tenth. Smaller moves are only written to the
 * job (the API and the jobs page show them), so a provider that reports progress on every check does not turn each
 * check into an event.
 */
final class Progress {

    private Progress() {
    }

    /** The history line for the move, e.g. "queue position 2" or "progress 40%"; null when it is not worth one. */
    static String worthAnEvent(Integer positionBefore, Integer progressBefore, Integer position, Integer progress) {
        if (position != null && !Objects.equals(position, positionBefore)) {
            return "queue position " + position;
        }
        if (progress != null && progress < 100 && (progressBefore == null ? progress >= 10
                : progress / 10 > progressBefore / 10)) {
            return "progress " + progress + "%";
        }
        return null;
    }
}
