package org.imagegen.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

import static org.imagegen.simulator.ProviderSimulator.send;
import static org.imagegen.simulator.ProviderSimulator.sendText;

/**
 * The faults a simulator injects: those its prompts' directives ask for ({@code sim:<point>-<fault>xN},
 * {@code sim:create-lost}), counted per job key and point and noted as injected, and on status checks the configured
 * random rates; answered in the provider's own error format ({@link ProviderSimulator#providerError}).
 */
final class SimulatedFaults {

    private final ProviderSimulator simulator;
    private final SimulatorSettings settings;
    /** The simulator's own: one seeded sequence for its fates, durations and faults. */
    private final Random random;
    private final Map<String, AtomicInteger> faultCalls = new ConcurrentHashMap<>();
    private final Queue<ProviderSimulator.Injected> injected = new ConcurrentLinkedQueue<>();
    private final Set<String> answersLost = ConcurrentHashMap.newKeySet();

    SimulatedFaults(ProviderSimulator simulator, SimulatorSettings settings, Random random) {
        this.simulator = simulator;
        this.settings = settings;
        this.random = random;
    }

    /** Every fault injected so far by prompt directives, oldest first. */
    List<ProviderSimulator.Injected> injectedFaults() {
        return List.copyOf(injected);
    }

    /**
     * The fault to inject at this call of {@code point} for a job key ({@code sim:<point>-<fault>xN}), or null:
     * the first N calls get the first fault written, the next ones the second, and so on.
     */
    Fault nextFault(String point, String jobKey, Scenario scenario) {
        List<Scenario.Injection> injections = scenario.at(point);
        if (injections.isEmpty()) {
            return null;
        }
        int call = faultCalls.computeIfAbsent(jobKey + "|" + point, k -> new AtomicInteger()).getAndIncrement();
        for (Scenario.Injection injection : injections) {
            if (call < injection.times()) {
                injected.add(new ProviderSimulator.Injected(jobKey, point, injection.fault(), System.currentTimeMillis()));
                return injection.fault();
            }
            call -= injection.times();
        }
        return null;
    }

    /** Faults at a create that refuse it before anything is made: the caller answers and creates nothing. */
    static boolean refusesCreate(Fault fault) {
        return fault == Fault.RATE_LIMITED || fault == Fault.RATE_LIMITED_BARE || fault == Fault.SERVER_ERROR
                || fault == Fault.UNAVAILABLE || fault == Fault.HTML;
    }

    /**
     * Answers a call with the fault instead of the real answer and returns true; a slow fault only waits
     * ({@code imagegen.simulator.slow-delay}) and returns false, so the caller then answers normally.
     * {@code successStatus}: what the call answers when it works (a malformed answer keeps it).
     */
    boolean answerFault(HttpExchange exchange, Fault fault, Scenario scenario, int successStatus)
            throws IOException {
        switch (fault) {
            case SLOW -> {
                pause(settings.slowDelay().toMillis());
                return false;
            }
            case RATE_LIMITED -> {
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(scenario.retryAfterSeconds()));
                simulator.providerError(exchange, 429, "Too Many Requests");
            }
            case RATE_LIMITED_BARE -> simulator.providerError(exchange, 429, "Too Many Requests");
            case SERVER_ERROR -> simulator.providerError(exchange, 500, "Internal server error");
            case BAD_GATEWAY -> send(exchange, 502, "text/html; charset=utf-8", htmlPage("502 Bad Gateway"));
            case UNAVAILABLE -> sendText(exchange, 503, "Service Unavailable");
            case HTML, NOT_AN_IMAGE -> send(exchange, 200, "text/html; charset=utf-8", htmlPage("Maintenance"));
            case MALFORMED -> send(exchange, successStatus, "application/json; charset=utf-8",
                    "{\"data\": {\"id\": \"cut_off\", \"status\": 2, \"media\": [{\"id\": ".getBytes(StandardCharsets.UTF_8));
            case NOT_FOUND -> simulator.providerError(exchange, 404, "Not Found");
            case FORBIDDEN -> simulator.providerError(exchange, 403, "Request has expired");
            default -> throw new IllegalArgumentException(fault + " is not a fault of an API answer");
        }
        return true;
    }

    /**
     * Sends image {@code index} of a generation; the last image of a generation with {@code image-...} faults is
     * answered with the next of them instead (so the others arrive, as in a delivery cut short halfway).
     */
    void sendImage(HttpExchange exchange, SimulatedGeneration g, int index, String contentType, byte[] image)
            throws IOException {
        Fault fault = index == g.imageIds.size() - 1 ? nextFault(Scenario.IMAGE, g.jobKey, g.scenario) : null;
        if (fault == null || fault == Fault.SLOW && !answerFault(exchange, fault, g.scenario, 200)) {
            // counted before the body leaves: counted after, a test reading the count as soon as the bundle has the
            // image (and wrote its manifest) could find it one short
            simulator.countDownload(g);
            send(exchange, 200, contentType, image);
            return;
        }
        switch (fault) {
            case TRUNCATED -> {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, image.length);
                OutputStream out = exchange.getResponseBody();
                out.write(image, 0, image.length / 2);
                out.flush();
                // an IOException out of the handler makes the JDK server close the connection: the client sees
                // the body end before its Content-Length
                throw new IOException("simulated truncated download");
            }
            case HUGE -> {
                byte[] padded = java.util.Arrays.copyOf(image, image.length + 2 * 1024 * 1024);
                send(exchange, 200, contentType, padded);
            }
            case MISLABELLED -> {
                simulator.countDownload(g);
                send(exchange, 200, "text/plain", image);
            }
            default -> answerFault(exchange, fault, g.scenario, 200);
        }
    }

    private static byte[] htmlPage(String title) {
        return ("<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p>Please try again later.</p></body></html>").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code sim:create-lost}: the first create for a job key is made, but its answer never arrives. */
    boolean loseAnswer(String jobKey, Scenario scenario) {
        return scenario.createLost() && answersLost.add(String.valueOf(jobKey));
    }

    /**
     * Faults injected on a status check: the generation's own directives first, then the configured random rates.
     * Returns true when it answered (with an error) and the caller must not.
     */
    boolean injectCheckFault(HttpExchange exchange, SimulatedGeneration generation) throws IOException {
        if (generation != null) {
            Fault fault = nextFault(Scenario.CHECK, generation.jobKey, generation.scenario);
            if (fault != null) {
                return answerFault(exchange, fault, generation.scenario, 200);
            }
        }
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        if (roll < settings.transientErrorRate() / 2) {
            simulator.tooManyRequests(exchange);
            return true;
        }
        if (roll < settings.transientErrorRate()) {
            sendText(exchange, 503, "Service Unavailable");
            return true;
        }
        if (roll < settings.transientErrorRate() + settings.slowRate()) {
            pause(settings.slowDelay().toMillis());
        }
        return false;
    }

    /** A slow fault's wait: the simulator's answer is held, as a slow provider holds it. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
