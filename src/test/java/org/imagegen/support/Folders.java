package org.imagegen.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.main.junit5.CamelMainTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The inbox, outbox and data folders of one test run under target/it/, and ways to use them as a user would. */
public final class Folders {

    /**
     * The simulators and compressed timings every fast test bundle shares, as a Camel properties location: list it
     * before {@code App.CONFIG} in {@code @CamelMainTest(propertyPlaceholderLocations = ...)} (the first location
     * that has a key wins) and name in {@code properties} the test's folders ({@code imagegen.test.folders=<name>},
     * as in {@code new Folders(<name>)}) and only what the test changes.
     */
    public static final String FAST_BUNDLE = "classpath:fast-bundle.properties";

    /**
     * Checks every 0.15 s, the first 0.1 s after the create, a backoff of at most 1 s: list it before
     * {@link #FAST_BUNDLE} in a test that follows a job through its provider's answers closely.
     */
    public static final String QUICK_CHECKS = "classpath:quick-checks.properties";

    /**
     * A simulator's slow answer (1.5 s) outlasting the HTTP response timeout (0.7 s), a backoff of at most 1 s: list it
     * before {@link #FAST_BUNDLE} in a test of what follows a call whose answer was lost.
     */
    public static final String LOST_ANSWERS = "classpath:lost-answers.properties";

    /** The shipped routes, with their providers and sinks, as {@code camel.main.routes-include-pattern} lists them. */
    private static final String SHIPPED_ROUTES =
            "file:routes/*.camel.yaml,file:routes/providers/*.camel.yaml,file:routes/sinks/*.camel.yaml";

    /**
     * The routes setting of a {@code @CamelMainTest} that adds provider definitions of its own ({@link #addProvider}):
     * the shipped routes, then the test's providers folder, named by {@code imagegen.test.folders}.
     */
    public static final String WITH_TEST_PROVIDERS = "camel.main.routes-include-pattern=" + SHIPPED_ROUTES
            + ",file:target/it/{{imagegen.test.folders}}/providers/*.camel.yaml";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FAST_SETTINGS = fastSettings();

    public final Path root;
    public final Path inbox;
    public final Path outbox;
    public final Path data;

    public Folders(String name) {
        root = Path.of("target", "it", name).toAbsolutePath();
        inbox = root.resolve("inbox");
        outbox = root.resolve("outbox");
        data = root.resolve("data");
    }

    /**
     * The folders a {@code @CamelMainTest} class names with {@code imagegen.test.folders=<name>}, or null where it
     * names none.
     */
    public static Folders of(Class<?> test) {
        CamelMainTest bundle = test.getAnnotation(CamelMainTest.class);
        String key = "imagegen.test.folders=";
        return bundle == null ? null : Stream.of(bundle.properties()).filter(p -> p.startsWith(key))
                .map(p -> new Folders(p.substring(key.length()))).findFirst().orElse(null);
    }

    /** Empties the folders; call before the bundle starts. */
    public Folders clean() {
        delete(root);
        return this;
    }

    /**
     * Empties what the bundle writes (the inbox, outbox and data), and keeps what a test wrote before starting it (its
     * providers folder); call before the bundle starts.
     */
    public Folders cleanBundleOutput() {
        List.of(inbox, outbox, data).forEach(Folders::delete);
        return this;
    }

    private static void delete(Path folder) {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The bundle's settings that point it at these folders, as "key=value" entries. */
    public String[] properties() {
        return new String[] {"imagegen.inbox=" + inbox, "imagegen.outbox=" + outbox, "imagegen.data=" + data};
    }

    /**
     * Settings of a bundle on these folders with the simulators and compressed timings of {@code fast-bundle.properties}
     * (generations of 0.2-0.4 s, checks every 0.2 s, the inbox read at once), followed by {@code extra}, which override
     * them.
     */
    public String[] fastBundle(String... extra) {
        List<String> settings = new ArrayList<>();
        FAST_SETTINGS.forEach((key, value) -> settings.add(key + "=" + value));
        // after the file's folders (which name them by imagegen.test.folders), so these win
        settings.addAll(List.of(properties()));
        settings.addAll(List.of(extra));
        return settings.toArray(String[]::new);
    }

    /** Drops a request file the way a careful producer does: written elsewhere, then moved in at once. */
    public void drop(String fileName, String content) {
        try {
            Files.createDirectories(inbox);
            Path temporary = Files.createTempFile(root, "drop", ".tmp");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, inbox.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} lines of JSONL, line {@code i} (from 1 to n) written by {@code line}: a batch of numbered requests. */
    public static String jsonl(int n, IntFunction<String> line) {
        return IntStream.rangeClosed(1, n).mapToObj(line).collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Drops the request file {@code requests/<fileName>} of the test resources under its own name: a batch whose lines
     * are data to the test, which names again only the ids its assertions need.
     */
    public void dropRequests(String fileName) {
        drop(fileName, resource("requests/" + fileName));
    }

    /** The same, with the file's exact bytes (for inputs that are not valid text). */
    public void drop(String fileName, byte[] content) {
        try {
            Files.createDirectories(inbox);
            Path temporary = Files.createTempFile(root, "drop", ".tmp");
            Files.write(temporary, content);
            Files.move(temporary, inbox.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a provider definition as an operator does: {@code <name>.camel.yaml} in the test's own providers folder
     * ({@code <root>/providers}, which the test adds to the routes read), one {@code ProviderDefinition} bean named
     * {@code name} with {@code properties} (the YAML under its {@code properties:}).
     */
    public void addProvider(String name, String properties) {
        addProviderFile(name, "- beans:\n" + providerBean(name, properties));
    }

    /** The same with a whole definition file, {@code yaml}, as {@code <fileName>.camel.yaml}. */
    public void addProviderFile(String fileName, String yaml) {
        try {
            Path providers = Files.createDirectories(root.resolve("providers"));
            Files.writeString(providers.resolve(fileName + ".camel.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One provider definition bean as a definition file lists it under {@code - beans:}. */
    public static String providerBean(String name, String properties) {
        return "    - name: " + name + "\n"
                + "      type: org.imagegen.provider.definition.ProviderDefinition\n"
                + "      properties:\n"
                + properties.indent(8);
    }

    /** {@link #WITH_TEST_PROVIDERS} for a bundle started on these folders ({@link #fastBundle}). */
    public String withTestProviders() {
        return "camel.main.routes-include-pattern=" + SHIPPED_ROUTES + ",file:" + root.resolve("providers")
                + "/*.camel.yaml";
    }

    public Path manifestPath(String id) {
        return outbox.resolve(id).resolve("manifest.json");
    }

    /** Waits until the job's manifest appears and returns it. */
    public JsonNode awaitManifest(String id, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(manifestPath(id)));
        return readJson(manifestPath(id));
    }

    /**
     * The manifest of job {@code id} once it ended, asserted to be in {@code state} (a failure shows the whole
     * manifest), for the test to check more of it.
     */
    public JsonNode awaitEnded(String id, String state, Duration atMost) {
        JsonNode manifest = awaitManifest(id, atMost);
        assertThat(manifest.path("state").asText()).as(id + ": " + manifest.toPrettyString()).isEqualTo(state);
        return manifest;
    }

    /**
     * Drops a request for one job, {@code id} with {@code prompt} on {@code provider} (null: the default one), as
     * {@code <id>.json}, and returns its manifest once it ended, asserted to be in {@code state}.
     */
    public JsonNode runJob(String id, String provider, String prompt, String state, Duration atMost) {
        return runJob(id, provider, prompt, 0, state, atMost);
    }

    /** {@link #runJob(String, String, String, String, Duration)} for {@code count} images (0: the default). */
    public JsonNode runJob(String id, String provider, String prompt, int count, String state, Duration atMost) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id);
        if (provider != null) {
            request.put("provider", provider);
        }
        request.put("prompt", prompt);
        if (count > 0) {
            request.put("count", count);
        }
        try {
            drop(id + ".json", JSON.writeValueAsString(request));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return awaitEnded(id, state, atMost);
    }

    /** The first problem of a rejected file (its field and message), once its error file is written. */
    public JsonNode awaitFirstProblem(String fileName, Duration atMost) {
        await().atMost(atMost).until(() -> Files.exists(rejected(fileName + ".error.json")));
        return readJson(rejected(fileName + ".error.json")).path("problems").get(0);
    }

    /** The field the first problem of a rejected file names ({@link #awaitFirstProblem}). */
    public String awaitRejectedField(String fileName, Duration atMost) {
        return awaitFirstProblem(fileName, atMost).path("field").asText();
    }

    /** The field each of {@code fileNames} was rejected for, in their order ({@link #awaitRejectedField}). */
    public List<String> awaitRejectedFields(Duration atMost, String... fileNames) {
        return Stream.of(fileNames).map(fileName -> awaitRejectedField(fileName, atMost)).toList();
    }

    public Path rejected(String fileName) {
        return inbox.resolve(".rejected").resolve(fileName);
    }

    public Path done(String fileName) {
        return inbox.resolve(".done").resolve(fileName);
    }

    private static Map<String, String> fastSettings() {
        Properties settings = new Properties();
        try {
            settings.load(new ByteArrayInputStream(resource("fast-bundle.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> byKey = new TreeMap<>();
        settings.stringPropertyNames().forEach(key -> byKey.put(key, settings.getProperty(key)));
        return byKey;
    }

    /** The bytes of {@code name} in the test resources. */
    private static byte[] resource(String name) {
        try (InputStream in = Folders.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
