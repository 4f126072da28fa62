package org.imagegen.reliability;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.imagegen.simulator.ProviderSimulator;

/**
 * Jobs a fault is to catch in the middle of a step (DatabaseOutageTest, InstanceCutOffTest): requests to all-images
 * and RenderNet by turns whose status checks the simulators answer late (with {@code imagegen.simulator.slow-delay}
 * 1.5 s after they began), and the moment to strike, while such a check is being answered.
 */
final class JobsMidStep {

    private JobsMidStep() {
    }

    /** {@code prefix-0} to {@code prefix-(n-1)}. */
    static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** A request for each id, as JSONL: to all-images and RenderNet by turns, every status check answered late. */
    static String slowChecked(List<String> ids) {
        return IntStream.range(0, ids.size())
                .mapToObj(i -> request(ids.get(i), i % 2 == 0 ? "all-images" : "rendernet", "sim:check-slowx9999"))
                .collect(Collectors.joining());
    }

    /** One request as a line of JSONL, {@code directives} ({@code sim:...}, or none) at the end of its prompt. */
    static String request(String id, String provider, String directives) {
        return "{\"id\": \"" + id + "\", \"provider\": \"" + provider + "\", \"prompt\": \"a job " + id + " "
                + directives + "\"}\n";
    }

    /** A slowed status check began less than 0.5 s ago: it is answered 1.5 s after it began. */
    static boolean checkBeingAnswered(ProviderSimulator... simulators) {
        long recent = System.currentTimeMillis() - 500;
        return Stream.of(simulators).flatMap(simulator -> simulator.injectedFaults().stream())
                .anyMatch(fault -> fault.point().equals("check") && fault.at() >= recent);
    }
}
