package org.imagegen.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bundle a test class shares, started before its first test on {@link Folders#fastBundle} with the HTTP API behind
 * {@code token}, and closed after its last: {@code @RegisterExtension static final ApiBundle BUNDLE = new
 * ApiBundle(FOLDERS, TOKEN, settings...)}. Registered after the class's {@code @ExtendWith(PostgresJobStore.class)},
 * so under {@code -Dimagegen.test.db=postgres} it starts on the class's schema.
 */
public final class ApiBundle implements BeforeAllCallback, AfterAllCallback {

    private final Folders folders;
    private final String token;
    private final List<String> settings;
    private RunningBundle bundle;
    private ApiClient api;

    public ApiBundle(Folders folders, String token, String... settings) {
        this.folders = folders;
        this.token = token;
        this.settings = new ArrayList<>(List.of("imagegen.api.token=" + token));
        this.settings.addAll(List.of(settings));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bundle = RunningBundle.start(folders.fastBundle(settings.toArray(String[]::new)));
        api = ApiClient.of(bundle, token);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (bundle != null) {
            bundle.close();
        }
    }

    public RunningBundle bundle() {
        return bundle;
    }

    /** A client of the bundle's API that sends the token. */
    public ApiClient api() {
        return api;
    }

    /** The built-in simulator standing in for {@code provider}. */
    public <T> T simulator(String provider, Class<T> type) {
        return Simulated.simulator(bundle, provider, type);
    }
}
