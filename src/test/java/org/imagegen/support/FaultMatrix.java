package org.imagegen.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.simulator.ProviderSimulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix of a provider's simulator, one row per fault: each row a request whose prompt carries {@code sim:}
 * directives, all rows dropped into the inbox as one JSONL file (so their waits run side by side), then each row's
 * outcome checked. A fault the bundle waits out is delivered with one image after exactly one paid create, the
 * simulator having injected it; a create whose answer nobody knows is parked {@code NEEDS_ATTENTION} and never sent
 * again. What a row tells beyond that (how often a refused create was sent, how long apart) stays in its test.
 */
public final class FaultMatrix {

    private enum Outcome { DELIVERED, PARKED, PARKED_UNMADE }

    private record Row(String id, String provider, String prompt, Outcome outcome) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Folders folders;
    private final Duration wait;
    private final Map<String, ProviderSimulator> simulators = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private String provider;

    private FaultMatrix(Folders folders, Duration wait) {
        this.folders = folders;
        this.wait = wait;
    }

    /** A matrix dropped into {@code folders}' inbox, each outcome awaited for at most {@code wait}. */
    public static FaultMatrix in(Folders folders, Duration wait) {
        return new FaultMatrix(folders, wait);
    }

    /** The rows that follow are requests to {@code provider} (the request's provider field), served by {@code simulator}. */
    public FaultMatrix provider(String provider, ProviderSimulator simulator) {
        this.provider = provider;
        simulators.put(provider, simulator);
        return this;
    }

    /** A fault the bundle waits out: delivered with one image, one generation made, the fault really injected. */
    public FaultMatrix delivered(String id, String prompt) {
        return row(id, prompt, Outcome.DELIVERED);
    }

    /** A create whose answer was lost or unreadable: parked, the create sent once and the generation made once. */
    public FaultMatrix parked(String id, String prompt) {
        return row(id, prompt, Outcome.PARKED);
    }

    /** The same, where the provider made nothing (it refused before making it, which the bundle cannot know). */
    public FaultMatrix parkedUnmade(String id, String prompt) {
        return row(id, prompt, Outcome.PARKED_UNMADE);
    }

    /** Drops every row as one file named {@code fileName}, then checks each row's outcome. */
    public void dropAndCheck(String fileName) {
        StringBuilder jsonl = new StringBuilder();
        for (Row row : rows) {
            jsonl.append(JSON.createObjectNode().put("id", row.id()).put("provider", row.provider())
                    .put("prompt", row.prompt())).append('\n');
        }
        folders.drop(fileName, jsonl.toString());

        for (Row row : rows) {
            ProviderSimulator simulator = simulators.get(row.provider());
            JsonNode manifest = folders.awaitManifest(row.id(), wait);
            if (row.outcome() == Outcome.DELIVERED) {
                assertThat(manifest.path("state").asText()).as(row.id() + ": " + manifest.toPrettyString())
                        .isEqualTo("DELIVERED");
                assertThat(manifest.path("images")).as(row.id()).hasSize(1);
                assertThat(simulator.createsFor(row.id())).as(row.id()).isEqualTo(1);
                assertThat(simulator.injectedFaults()).as(row.id()).anyMatch(f -> f.jobKey().equals(row.id()));
            } else {
                assertThat(manifest.path("state").asText()).as(row.id() + ": " + manifest.toPrettyString())
                        .isEqualTo("NEEDS_ATTENTION");
                assertThat(manifest.path("reason").asText()).as(row.id()).contains("not sent again");
                assertThat(simulator.received().creates(row.id())).as(row.id()).hasSize(1);
                assertThat(simulator.createsFor(row.id())).as(row.id())
                        .isEqualTo(row.outcome() == Outcome.PARKED ? 1 : 0);
            }
        }
    }

    private FaultMatrix row(String id, String prompt, Outcome outcome) {
        if (provider == null) {
            throw new IllegalStateException("name the provider(...) before its rows");
        }
        rows.add(new Row(id, provider, prompt, outcome));
        return this;
    }
}
