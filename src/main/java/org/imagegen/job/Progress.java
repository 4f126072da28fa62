package org.imagegen.job;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a running generation's queue position or progress is worth a line in its history (and an event where RUNNING
 * is announced): a new queue position, or progress that reached the next tenth. Smaller moves are only written to the
 * job (the API and the jobs page show them), so a provider that reports progress on every check does not turn each
 * check into an event.
 */
public final class Progress {

    private static final Pattern POSITION = Pattern.compile("queue position (\\d{1,9})");
    private static final Pattern PERCENT = Pattern.compile("progress (\\d{1,3})%");

    private Progress() {
    }

    /** The queue position a history line of this kind states, or null for any other line. */
    public static Integer positionIn(String detail) {
        return number(POSITION, detail);
    }

    /** The progress (percent) a history line of this kind states, or null for any other line. */
    public static Integer progressIn(String detail) {
        return number(PERCENT, detail);
    }

    private static Integer number(Pattern pattern, String detail) {
        Matcher m = detail == null ? null : pattern.matcher(detail);
        return m != null && m.matches() ? Integer.valueOf(m.group(1)) : null;
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
