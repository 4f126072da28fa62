package org.imagegen.support;

import java.time.Duration;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.imagegen.job.JobQueries;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@code @CamelMainTest} class of the bundle shares: one bundle for the whole class (camel-test-main
 * starts it once per test instance), its job store on PostgreSQL under {@code -Dimagegen.test.db=postgres}
 * ({@link PostgresJobStore}), and the context and the job store's queries injected. Both annotations are inherited,
 * so a subclass says only what is its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
public abstract class BundleTest {

    /**
     * How long a test waits for a job to end, most of them: ample for the compressed timings of the fast bundle, with
     * room for the retries and pauses of a test of faults on a loaded machine. A test whose jobs take longer, or that
     * wants a failure sooner, names its own {@code WAIT}.
     */
    protected static final Duration WAIT = Duration.ofSeconds(40);

    /**
     * The test's folders, target/it/&lt;name&gt;/ as its {@code imagegen.test.folders=<name>} names them (null where it
     * names none), without what an earlier run of the bundle wrote there: the test instance is made before the bundle
     * starts.
     */
    protected final Folders folders = emptied(Folders.of(getClass()));

    @BeanInject
    protected CamelContext context;

    @BeanInject("jobQueries")
    protected JobQueries store;

    private static Folders emptied(Folders folders) {
        return folders == null ? null : folders.cleanBundleOutput();
    }

    /** The bundle's HTTP API, with {@code token} (the test's {@code imagegen.api.token}). */
    protected ApiClient api(String token) {
        return ApiClient.of(context, token);
    }
}
