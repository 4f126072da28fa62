package org.imagegen.request;

import java.util.List;

/**
 * What became of one file or message: the job keys accepted, and a problem for each record that was not
 * (invalid, or a duplicate of a job that already exists).
 */
public record IntakeReport(String source, int records, List<String> accepted, List<Problem> problems) {

    /** Nothing in the input became a job: the input as a whole goes to the rejected folder. */
    public boolean isRejected() {
        return accepted.isEmpty();
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }
}
