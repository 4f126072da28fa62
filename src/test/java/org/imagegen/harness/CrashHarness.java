package org.imagegen.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.FreePorts;

/**
 * {@code mvn -q -Pcrash-harness verify -Dharness.requests=500 -Dharness.kills=5}: runs the packaged bundle as a
 * separate process against the simulators of all-images.ai, RenderNet, OpenAI Images and Black Forest Labs (in this
 * JVM, so they outlive every crash; the last two are provider definitions, called with a key as the real services),
 * feeds it the requests (a quarter for each provider; half the batches as files dropped into its inbox, half as
 * messages on its embedded broker's JMS queue, each send made again until the broker takes it), kills it with SIGKILL
 * at random moments, restarts it each time on the same data folder, and finally lets one run finish. Then every
 * request must have exactly one terminal manifest and the simulators at most one create per job key (a job whose
 * create was under way at a crash, of a provider that cannot be searched, is parked, NEEDS_ATTENTION: counted failed,
 * never sent again). The last line printed is
 * {@code requests N, delivered D, failed F, lost L, duplicate creates C, kills K}.
 */
public final class CrashHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "harness-key";
    /** The bundle's request queue (imagegen.jms.queue). */
    static final String QUEUE = "imagegen.requests";

    /**
     * "Delivered late": delivered more than this after it was accepted, the bundle's own
     * {@code imagegen.poll.deadline} (the harness leaves it at its default), by which a generation that has not
     * finished is given up as TIMED_OUT.
     */
    static final Duration LATE = Duration.ofMinutes(10);

    /**
     * What one run came to. {@code parked}: of the failed, those NEEDS_ATTENTION (a create whose answer was lost, of a
     * provider that cannot be searched); {@code deliveredLate}: delivered, but more than {@link #LATE} after being
     * accepted; {@code slowest}: the longest a delivered job took from accepted to delivered; {@code faults}: how
     * many of each fault were made.
     */
    public record Result(int requests, int delivered, int failed, int lost, int duplicateCreates, List<String> problems,
                         int parked, int deliveredLate, Duration slowest, Map<String, Integer> faults) {

        public String line() {
            return "requests " + requests + ", delivered " + delivered + ", failed " + failed + " (parked " + parked
                    + "), lost " + lost + ", duplicate creates " + duplicateCreates + " (paid twice), delivered late "
                    + deliveredLate + " (slowest " + slowest.toSeconds() + " s), faults " + faults;
        }
    }

    /**
     * {@code -Dharness.faults}: kill (SIGKILL and restart), pause (SIGSTOP past the lease, then SIGCONT), partition
     * (cut from PostgreSQL, on H2 from the providers, past the lease), disk (data folders and outbox full, needs root).
     */
    static List<String> faults() {
        List<String> faults = List.of(System.getProperty("harness.faults", "kill").split("\\s*,\\s*"));
        faults.stream().filter(f -> !FAULTS.contains(f)).findAny().ifPresent(f -> {
            throw new IllegalArgumentException("harness.faults: unknown fault '" + f + "' (" + FAULTS + ")");
        });
        return faults;
    }

    static final List<String> FAULTS = List.of("kill", "pause", "partition", "disk");

    /**
     * {@code -Dharness.store}: h2 (one instance) or postgres (two); by default h2 for kill alone (the classic run,
     * half its batches on the JMS queue), else postgres.
     */
    static boolean postgres(List<String> faults) {
        String store = System.getProperty("harness.store", "");
        if (store.isBlank()) {
            return !faults.equals(List.of("kill"));
        }
        if (!store.equals("h2") && !store.equals("postgres")) {
            throw new IllegalArgumentException("harness.store: '" + store + "' is neither h2 nor postgres");
        }
        return store.equals("postgres");
    }

    /** The run {@code -Dharness.faults} and {@code -Dharness.store} ask for. */
    static Result run(int requests, List<String> faults, int rounds, long seed, Path root) throws Exception {
        boolean postgres = postgres(faults);
        return faults.equals(List.of("kill")) && !postgres
                ? run(requests, rounds, seed, root)
                : FaultHarness.run(requests, faults, rounds, seed, root, postgres);
    }

    private CrashHarness() {
    }

    /** The providers the harness's requests go to, in turn. */
    static final List<String> PROVIDERS = List.of("all-images", "rendernet", "openai", "bfl");

    public static void main(String[] args) throws Exception {
        List<String> faults = faults();
        int requests = Integer.getInteger("harness.requests", 500);
        int rounds = Integer.getInteger("harness.kills", 5);
        Long given = Long.getLong("harness.seed");
        long seed = given != null ? given : new Random().nextLong();
        Result result = run(requests, faults, rounds, seed, Path.of("target", "crash-harness"));
        result.problems().forEach(p -> System.out.println("problem: " + p));
        System.out.println("seed " + seed);
        System.out.println(result.line());
        System.exit(result.lost() == 0 && result.duplicateCreates() == 0 ? 0 : 1);
    }

    public static Result run(int requests, int kills, long seed, Path root) throws Exception {
        Random random = new Random(seed);
        System.out.println("crash harness: " + requests + " requests, " + kills + " kills, seed " + seed);
        Path dir = clean(root.toAbsolutePath());
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(500), Duration.ofMillis(3000), 0, 0,
                0, 0, Duration.ZERO, KEY, seed, 32);
        // the bundle's embedded broker keeps one port across restarts, so the feed finds it again each time
        int jmsPort = FreePorts.loopback();
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start();
             OpenAiSimulator openai = (OpenAiSimulator) new OpenAiSimulator(settings).start();
             BflSimulator bfl = (BflSimulator) new BflSimulator(settings).start();
             JmsFeed queue = new JmsFeed(jmsPort, QUEUE)) {
            List<String> command = command(dir, allImages, rendernet, "-Dimagegen.jms.port=" + jmsPort,
                    "-Dimagegen.providers.openai.base-url=" + openai.baseUrl(),
                    "-Dimagegen.providers.openai.api-key=" + KEY,
                    "-Dimagegen.providers.openai.rate-limit.per-second=2000",
                    "-Dimagegen.providers.bfl.base-url=" + bfl.baseUrl(),
                    "-Dimagegen.providers.bfl.api-key=" + KEY,
                    "-Dimagegen.providers.bfl.download-hosts=" + String.join(",", bfl.imageHosts()),
                    "-Dimagegen.providers.bfl.rate-limit.per-second=2000");
            List<String> ids = new ArrayList<>();
            int perBatch = 25;
            int batches = (requests + perBatch - 1) / perBatch;
            // half the batches before the first start, the rest while the bundle is being killed and restarted; even
            // batches are files dropped into the inbox, odd ones messages on the bundle's JMS queue
            int released = 0;
            for (int run = 0; run <= kills; run++) {
                int until = run == 0 ? batches / 2 : batches / 2 + (batches - batches / 2) * run / Math.max(1, kills);
                for (; released < Math.min(until, batches); released++) {
                    release(released, perBatch, requests, ids, inbox, queue);
                }
                Process bundle = start(command, dir.resolve("bundle-" + run + ".log"));
                if (run < kills) {
                    long lifetime = 1500 + random.nextInt(3000);
                    Thread.sleep(lifetime); // the random moment of the crash: this is the harness's input
                    bundle.destroyForcibly().waitFor();
                    continue;
                }
                for (; released < batches; released++) {
                    release(released, perBatch, requests, ids, inbox, queue);
                }
                queue.awaitSent(Duration.ofMinutes(1));
                awaitAllTerminal(ids, outbox, Duration.ofMinutes(5));
                bundle.destroy();
                bundle.waitFor();
            }
            System.out.println("crash harness: " + queue.messageIds().size() + " messages sent to the JMS queue ("
                    + queue.resends() + " sends failed and were made again), the other batches dropped as files");
            return check(ids, outbox, List.of(allImages, rendernet, openai, bfl), Map.of("kill", kills));
        }
    }

    /** Batch {@code index}: an even one dropped into the inbox as a file, an odd one sent to the JMS queue. */
    private static void release(int index, int perBatch, int requests, List<String> ids, Path inbox, JmsFeed queue)
            throws IOException {
        String batch = batch(index, perBatch, requests, ids, PROVIDERS);
        if (index % 2 == 0) {
            drop(inbox, index, batch);
        } else {
            queue.offer(batch);
        }
    }

    /**
     * The command line of the packaged bundle on the folders under {@code dir} against both simulators, with fast
     * polling; {@code extra} settings ({@code -Dkey=value}) come last and override the ones before.
     */
    static List<String> command(Path dir, AllImagesSimulator allImages, RenderNetSimulator rendernet,
                                String... extra) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Dimagegen.inbox=" + dir.resolve("inbox"), "-Dimagegen.outbox=" + dir.resolve("outbox"),
                "-Dimagegen.data=" + dir.resolve("data"), "-Dimagegen.node-id=harness",
                "-Dimagegen.console.enabled=false", "-Dimagegen.api.port=0", "-Dimagegen.jms.port=0",
                "-Dimagegen.providers.all-images.base-url=" + allImages.baseUrl(),
                "-Dimagegen.providers.all-images.api-key=" + KEY,
                "-Dimagegen.providers.rendernet.base-url=" + rendernet.baseUrl(),
                "-Dimagegen.providers.rendernet.api-key=" + KEY,
                // the simulator's media host, listed as an operator lists RenderNet's S3 bucket
                "-Dimagegen.providers.rendernet.download-hosts=" + String.join(",", rendernet.imageHosts()),
                "-Dimagegen.providers.all-images.rate-limit.per-second=2000",
                "-Dimagegen.providers.rendernet.rate-limit.per-second=2000",
                "-Dimagegen.poll.initial-delay=300ms", "-Dimagegen.poll.interval=300ms",
                "-Dimagegen.poll.queued-interval=300ms", "-Dimagegen.poll.max-backoff=2s",
                "-Dimagegen.loop.tick=100ms", "-Dimagegen.inbox.poll=100ms", "-Dimagegen.inbox.stable=100ms"));
        command.addAll(List.of(extra));
        command.addAll(List.of("-jar", Path.of("target", "imagegen-bundle.jar").toAbsolutePath().toString()));
        return command;
    }

    /** Starts the bundle with its output in {@code log}, and waits until Camel says it started. */
    static Process start(List<String> command, Path log) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // generous: a start slowed by a loaded machine is not the fault under test
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("started in")) {
                return process;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the bundle exited at start; see " + log);
            }
            Thread.sleep(100); // polling the log of another process
        }
        process.destroyForcibly();
        throw new IllegalStateException("the bundle did not start within three minutes; see " + log);
    }

    /** Batch {@code file} as a file moved into the inbox at once. */
    static void drop(Path inbox, int file, int perFile, int requests, List<String> ids) throws IOException {
        drop(inbox, file, batch(file, perFile, requests, ids));
    }

    static void drop(Path inbox, int file, String batch) throws IOException {
        Path staged = inbox.getParent().resolve("batch-" + file + ".jsonl");
        Files.writeString(staged, batch);
        Files.move(staged, inbox.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Requests {@code index * perBatch} onwards as JSON Lines (half all-images, half RenderNet); adds their ids. */
    static String batch(int index, int perBatch, int requests, List<String> ids) {
        return batch(index, perBatch, requests, ids, List.of("all-images", "rendernet"));
    }

    /** The same, the requests going to {@code providers} in turn. */
    static String batch(int index, int perBatch, int requests, List<String> ids, List<String> providers) {
        StringBuilder lines = new StringBuilder();
        for (int i = index * perBatch; i < Math.min(requests, (index + 1) * perBatch); i++) {
            String id = "crash-" + i;
            ids.add(id);
            String provider = providers.get(i % providers.size());
            lines.append("{\"id\": \"").append(id).append("\", \"provider\": \"").append(provider)
                    .append("\", \"prompt\": \"crash test ").append(i).append("\"}\n");
        }
        return lines.toString();
    }


    static void awaitAllTerminal(List<String> ids, Path outbox, Duration limit) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (ids.stream().allMatch(id -> Files.exists(outbox.resolve(id).resolve("manifest.json")))) {
                return;
            }
            Thread.sleep(250); // polling the outbox of another process
        }
    }

    static Result check(List<String> ids, Path outbox, List<ProviderSimulator> simulators,
                        Map<String, Integer> faults) throws IOException {
        int delivered = 0;
        int failed = 0;
        int lost = 0;
        int duplicates = 0;
        int parked = 0;
        int late = 0;
        Duration slowest = Duration.ZERO;
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            int creates = simulators.stream().mapToInt(simulator -> simulator.createsFor(id)).sum();
            if (creates > 1) {
                duplicates += creates - 1;
                problems.add(id + ": " + creates + " creates");
            }
            Path manifest = outbox.resolve(id).resolve("manifest.json");
            if (!Files.exists(manifest)) {
                lost++;
                problems.add(id + ": no manifest");
                continue;
            }
            JsonNode job = JSON.readTree(manifest.toFile());
            String state = job.path("state").asText();
            if (state.equals("DELIVERED")) {
                delivered++;
                // the manifest is written when the job is delivered (its states list the ones before)
                Duration took = Duration.between(accepted(job), Files.getLastModifiedTime(manifest).toInstant());
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
                if (took.compareTo(LATE) > 0) {
                    late++;
                    problems.add(id + ": delivered late, " + took.toSeconds() + " s after it was accepted");
                }
            } else {
                failed++;
                parked += state.equals("NEEDS_ATTENTION") ? 1 : 0;
                // the reason says why an operator has it: which create's answer was lost, and what is known
                problems.add(id + " (" + job.path("provider").asText() + "): " + state + " "
                        + job.path("reason").asText(""));
            }
        }
        return new Result(ids.size(), delivered, failed, lost, duplicates, problems, parked, late, slowest,
                Map.copyOf(faults));
    }

    /** When the job (its manifest) was accepted. */
    private static Instant accepted(JsonNode manifest) {
        for (JsonNode entry : manifest.path("states")) {
            if (entry.path("state").asText().equals("ACCEPTED")) {
                return Instant.parse(entry.path("at").asText());
            }
        }
        throw new IllegalStateException(manifest.path("id").asText() + ": no ACCEPTED in its manifest");
    }

    static boolean delivered(Path outbox, String id) {
        Path manifest = outbox.resolve(id).resolve("manifest.json");
        try {
            return Files.exists(manifest) && JSON.readTree(manifest.toFile()).path("state").asText().equals("DELIVERED");
        } catch (IOException e) {
            return false;
        }
    }

    static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
