package org.imagegen.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every provider simulator shares: its HTTP server ({@link SimulatorServer}), the generations it holds, the
 * count of creates per job key (so a test can prove nothing was paid for twice), and the faults it injects.
 */
public abstract class ProviderSimulator implements AutoCloseable {

    protected static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(ProviderSimulator.class);

    protected final SimulatorSettings settings;
    protected final Map<String, SimulatedGeneration> generations = new ConcurrentHashMap<>();
    private final GenerationCounts counts = new GenerationCounts();
    private final ChecksInFlight checksInFlight = new ChecksInFlight();
    private final Random random;
    private final SimulatedFaults faults;
    private final GenerationDraws draws;
    /** Every call received, and where a watched secret went. */
    protected final ReceivedCalls received = new ReceivedCalls();
    private final SimulatorServer server;
    private volatile int reachedThrough;

    protected ProviderSimulator(SimulatorSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.faults = new SimulatedFaults(this, settings, random);
        this.draws = new GenerationDraws(settings, random);
        this.server = new SimulatorServer(settings.port(), getClass().getSimpleName(), this::dispatch);
    }

    public ProviderSimulator start() {
        server.start();
        LOG.info("{} listening on {}", getClass().getSimpleName(), baseUrl());
        return this;
    }

    @Override
    public void close() {
        server.stop();
    }

    public int port() {
        return reachedThrough > 0 ? reachedThrough : server.port();
    }

    /** The port this simulator listens on, whatever {@link #port()} hands out. */
    public int listeningPort() {
        return server.port();
    }

    /**
     * Has every URL this simulator hands out (its base URL, status and image URLs, redirects) name {@code port}
     * instead of its own: a relay there in front of it (a harness's TCP proxy) then carries all of the bundle's
     * traffic to this provider, and cutting the relay cuts the bundle off from it as a network failure would.
     */
    public ProviderSimulator reachedThrough(int port) {
        this.reachedThrough = port;
        return this;
    }

    /** The URL the bundle should use as this provider's base URL. */
    public abstract String baseUrl();

    /**
     * Settings of this simulator's own beyond {@link SimulatorSettings}, by their key below
     * {@code imagegen.simulator.<provider>.} (all-images: {@code credits}); read once it started. None by default.
     */
    public void configure(java.util.function.Function<String, java.util.Optional<String>> setting) {
        // most simulators have none
    }

    /**
     * Host names the simulator serves images under that are not its API's (as RenderNet serves its images from
     * Amazon S3): a simulated provider's downloads must be allowed from them (download-hosts).
     */
    public List<String> imageHosts() {
        return List.of();
    }

    /**
     * {@code url} (on this simulator) as the scenario wants it served: behind redirects ({@code sim:redirects=N},
     * {@code sim:redirect-loop}, {@code sim:redirect-foreign}), else as it is.
     */
    protected String redirected(String url, Scenario scenario) {
        return Redirects.redirected(url, scenario, port());
    }

    /** How many creates (paid generations) arrived for a job key. */
    public int createsFor(String jobKey) {
        return counts.createsFor(jobKey);
    }

    public Map<String, Integer> createsByJobKey() {
        return counts.createsByJobKey();
    }

    public int totalCreates() {
        return counts.totalCreates();
    }

    /** What the simulator saw of one job's generation, or null when it never received a create for that key. */
    public GenerationStats statsFor(String jobKey) {
        SimulatedGeneration g = counts.ofJobKey(jobKey);
        return g == null ? null : new GenerationStats(g.checks.get(), g.startedAt, g.durationMs, g.completesAt(),
                g.downloads.get(), g.imageIds.size());
    }

    /**
     * Generations that got a status check while another check of the same generation was still being answered: two
     * callers checking one job at once (several instances must never do that; one instance checks a job once at a
     * time too).
     */
    public Set<String> overlappingChecks() {
        return checksInFlight.overlapping();
    }

    /** A status check being answered; closing it ends it. */
    protected interface CheckInFlight extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Starts a status check of {@code generationId}. It ends when its answer starts to be written ({@link #send}), or
     * when it is closed, whichever comes first: a caller that sends its next check once it has the answer must never
     * find the previous one still counted.
     */
    protected CheckInFlight checkStarted(String generationId) {
        return checksInFlight.start(generationId)::run;
    }

    /** Generations whose every image was downloaded at least once. */
    public int fullyDownloaded() {
        return counts.fullyDownloaded();
    }

    /**
     * Every call received (with the host it was addressed to and whether it carried the provider's key header), every
     * create's body where the simulator notes them, and where a watched secret went.
     */
    public ReceivedCalls received() {
        return received;
    }

    /** The header the provider's key travels in. */
    protected String keyHeader() {
        return "Authorization";
    }

    /** A fault a prompt directive asked for, as injected: for which job key, where, which, and when. */
    public record Injected(String jobKey, String point, Fault fault, long at) {
    }

    /** Every fault injected so far by prompt directives, oldest first. */
    public List<Injected> injectedFaults() {
        return faults.injectedFaults();
    }

    /** Status checks, timing and downloads of one generation, for tests and the benchmark. */
    public record GenerationStats(int checks, long startedAt, long durationMs, long completesAt, int downloads,
                                  int images) {
    }

    protected void register(SimulatedGeneration g) {
        generations.put(g.id, g);
        counts.register(g);
    }

    protected SimulatedGeneration generationOfImage(String imageId) {
        return counts.ofImage(imageId);
    }

    protected void countDownload(SimulatedGeneration g) {
        counts.countDownload(g);
    }

    protected int imageSize() {
        return settings.imageSize() > 0 ? settings.imageSize() : SimulatorSettings.DEFAULT_IMAGE_SIZE;
    }

    protected abstract void handle(HttpExchange exchange, String method, String path) throws IOException;

    private void dispatch(HttpExchange exchange) throws IOException {
        received.call(exchange, keyHeader());
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/redirect/")) {
            Redirects.serve(exchange, exchange.getRequestURI().getRawPath(), port());
            return;
        }
        handle(exchange, exchange.getRequestMethod(), path);
    }

    /**
     * The handler hands {@code exchange} over to be answered later, from another thread (it must then answer or drop
     * it and close it): a synchronous API whose answers take seconds must not hold one of the server's workers for
     * each of them.
     */
    protected void answerLater(HttpExchange exchange) {
        server.answerLater(exchange);
    }

    protected void countCreate(String jobKey) {
        counts.countCreate(jobKey);
    }

    /**
     * The fault to inject at this call of {@code point} for a job key ({@code sim:<point>-<fault>xN}), or null:
     * the first N calls get the first fault written, the next ones the second, and so on.
     */
    protected Fault nextFault(String point, String jobKey, Scenario scenario) {
        return faults.nextFault(point, jobKey, scenario);
    }

    /** A create its fault let through: its job key, its prompt's scenario, and the fault (or null) for its answer. */
    protected record CreateStart(String jobKey, Scenario scenario, Fault fault) {
    }

    /**
     * Starts a create of {@code prompt} for {@code jobKey}: draws the fault to inject on it and, when that fault
     * refuses the create before anything is made ({@code sim:create-429}, ...), answers with it and returns null: the
     * caller then creates nothing. {@code successStatus}: what the create answers when it works.
     */
    protected CreateStart startCreate(HttpExchange exchange, String jobKey, String prompt, int successStatus)
            throws IOException {
        Scenario scenario = Scenario.of(prompt);
        Fault fault = nextFault(Scenario.CREATE, jobKey, scenario);
        if (fault != null && SimulatedFaults.refusesCreate(fault)) {
            answerFault(exchange, fault, scenario, successStatus);
            return null;
        }
        return new CreateStart(jobKey, scenario, fault);
    }

    /**
     * Answers a call with the fault instead of the real answer and returns true; a slow fault only waits and returns
     * false, so the caller then answers normally, as it does for no fault (null). {@code successStatus}: what the call
     * answers when it works.
     */
    protected boolean answerFault(HttpExchange exchange, Fault fault, Scenario scenario, int successStatus)
            throws IOException {
        return fault != null && faults.answerFault(exchange, fault, scenario, successStatus);
    }

    /** Sends image {@code index} of a generation, or the {@code image-...} fault its scenario asks for instead. */
    protected void sendImage(HttpExchange exchange, SimulatedGeneration g, int index, String contentType, byte[] image)
            throws IOException {
        faults.sendImage(exchange, g, index, contentType, image);
    }

    /** {@code sim:create-lost}: the first create for a job key is made, but its answer never arrives. */
    protected boolean loseAnswer(String jobKey, Scenario scenario) {
        return faults.loseAnswer(jobKey, scenario);
    }

    /**
     * Holds {@code g} (begun, its images named) and counts its create, a paid generation. False when the create's
     * answer is lost ({@code sim:create-lost}): the connection is then dropped, and the caller answers nothing. Once
     * it is made, a fault on its answer (a slow answer, a gateway's 502, a cut-off body) leaves the caller unsure
     * whether it was.
     */
    protected boolean made(HttpExchange exchange, SimulatedGeneration g) {
        register(g);
        countCreate(g.jobKey);
        if (loseAnswer(g.jobKey, g.scenario)) {
            dropConnection(exchange);
            return false;
        }
        return true;
    }

    /**
     * Starts {@code g} now, its duration and fate drawn from its scenario and the configured rates; a
     * {@code sim:fail-once} fails only its {@code firstAttempt}.
     */
    protected void begin(SimulatedGeneration g, boolean firstAttempt) {
        g.startedAt = System.currentTimeMillis();
        g.durationMs = draws.duration(g.scenario);
        g.fate = draws.fate(g.scenario, firstAttempt);
    }

    protected SimulatedGeneration.Fate drawFate(Scenario scenario, boolean firstAttempt) {
        return draws.fate(scenario, firstAttempt);
    }

    protected long drawDuration(Scenario scenario) {
        return draws.duration(scenario);
    }

    /**
     * Faults injected on a status check: the generation's own directives first, then the configured random rates.
     * Returns true when it answered (with an error) and the caller must not.
     */
    protected boolean injectCheckFault(HttpExchange exchange, SimulatedGeneration generation) throws IOException {
        return faults.injectCheckFault(exchange, generation);
    }

    /** An answer in the provider's own format. */
    protected interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    /**
     * The generation a status check asks about, its check counted; null when the check was answered here: with a fault
     * injected on it, or with {@code unknown} for a generation the simulator never made ({@code g} null).
     */
    protected SimulatedGeneration checked(HttpExchange exchange, SimulatedGeneration g, Answer unknown)
            throws IOException {
        if (injectCheckFault(exchange, g)) {
            return null;
        }
        if (g == null) {
            unknown.send(exchange);
            return null;
        }
        g.checks.incrementAndGet();
        return g;
    }

    /** 429 with {@code Retry-After: 1}, in the provider's error format. */
    protected void tooManyRequests(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        providerError(exchange, 429, "Too Many Requests");
    }

    /** An error answer in the provider's own format. */
    protected abstract void providerError(HttpExchange exchange, int status, String message) throws IOException;

    /** The provider's auth header is present and, when the simulator was given a key, equal to it. */
    protected boolean authorised(HttpExchange exchange, String header) {
        String key = exchange.getRequestHeaders().getFirst(header);
        if (key == null || key.isBlank()) {
            return false;
        }
        return settings.apiKey() == null || settings.apiKey().isBlank() || settings.apiKey().equals(key);
    }

    protected static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    protected static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    protected static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    protected static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        ChecksInFlight.answering();
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (bytes.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Closes the connection without any answer: what a create looks like when its answer is lost. */
    protected static void dropConnection(HttpExchange exchange) {
        exchange.close();
    }

    protected static String newId(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }
}
