package org.imagegen.console;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.imagegen.job.JobQueries;
import org.imagegen.job.JobState;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jobs page and Hawtio in a real headless Chromium, driven by Playwright (src/test/browser/jobs-page.mjs): the
 * bundle runs one job to DELIVERED, one to FAILED, one on a route, and two that never finish, with a price and a
 * budget for all-images; then the script logs in, sees the budgets and the spend and the delivered job with its
 * thumbnails, opens its detail by link, uses every filter and the id search, retries the failed job, cancels a
 * waiting one, sees a refused cancel's reason, opens Hawtio's routes, and saves screenshots to target/screenshots/.
 * Needs /usr/bin/chromium, node and {@code npm ci} in src/test/browser, so it runs only with
 * {@code -Dimagegen.test.browser=true} (.ci/run installs those and turns it on).
 */
@EnabledIfSystemProperty(named = "imagegen.test.browser", matches = "true")
@ExtendWith(PostgresJobStore.class)
class JobsPageBrowserIT {

    private static final Path SCRIPTS = Path.of("src", "test", "browser");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();

    @Test
    void operatorLogsInFindsJobsOpensOneRetriesAndCancelsAndOpensHawtio() throws Exception {
        assertThat(SCRIPTS.resolve("node_modules").resolve("playwright-core"))
                .as("run 'npm ci' in src/test/browser first").isDirectory();
        Folders folders = new Folders("browser").clean();
        try (ConsoleBundle console = ConsoleBundle.startJobsPage(folders)) {
            folders.drop("browser.jsonl", """
                    {"id": "browser-delivered", "prompt": "a red fox in fresh snow"}
                    {"id": "browser-failed", "prompt": "this one breaks sim:fail"}
                    {"id": "browser-route", "provider": "route:fast", "prompt": "a kite over dunes"}
                    {"id": "browser-waiting", "prompt": "a slow one sim:never"}
                    {"id": "browser-waiting-2", "prompt": "another slow one sim:never"}
                    """);
            assertThat(folders.awaitManifest("browser-delivered", java.time.Duration.ofSeconds(30))
                    .path("state").asText()).isEqualTo("DELIVERED");
            assertThat(folders.awaitManifest("browser-failed", java.time.Duration.ofSeconds(30))
                    .path("state").asText()).isEqualTo("FAILED");
            assertThat(folders.awaitManifest("browser-route", java.time.Duration.ofSeconds(30))
                    .path("state").asText()).isEqualTo("DELIVERED");
            JobQueries jobs = console.bundle().bean("jobQueries", JobQueries.class);
            for (String id : new String[] {"browser-waiting", "browser-waiting-2"}) {
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> jobs.find(id)
                        .map(job -> job.getState() == JobState.RUNNING || job.getState() == JobState.SUBMITTED)
                        .orElse(false));
            }

            Files.createDirectories(SCREENSHOTS);
            Path log = SCREENSHOTS.resolve("browser.log");
            ProcessBuilder node = new ProcessBuilder("node", "jobs-page.mjs").directory(SCRIPTS.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = node.environment();
            env.put("CONSOLE_URL", "http://127.0.0.1:" + console.port());
            env.put("CONSOLE_USER", "admin");
            env.put("CONSOLE_PASSWORD", ConsoleBundle.PASSWORD);
            env.put("DELIVERED_ID", "browser-delivered");
            env.put("FAILED_ID", "browser-failed");
            env.put("ROUTE_ID", "browser-route");
            env.put("WAITING_ID", "browser-waiting");
            env.put("WAITING2_ID", "browser-waiting-2");
            env.put("SCREENSHOTS", SCREENSHOTS.toString());
            Process process = node.start();
            boolean finished = process.waitFor(3, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("the browser script finished: " + output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output.lines().filter(line -> line.startsWith("FAIL"))).as(output).isEmpty();
            assertThat(output).contains(" 0 failed");
            for (String screenshot : new String[] {"jobs-page.png", "jobs-page-detail.png", "jobs-page-failed.png",
                "jobs-page-refused.png", "hawtio-routes.png"}) {
                assertThat(SCREENSHOTS.resolve(screenshot)).as(screenshot).isNotEmptyFile();
            }
        }
    }
}
