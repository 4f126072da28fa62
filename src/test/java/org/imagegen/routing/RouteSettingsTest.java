package org.imagegen.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.imagegen.provider.CreateResult;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.StatusResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The routes' settings as an operator writes them, and the "can it take it" decision, on plain values. */
class RouteSettingsTest {

    private final Capacity capacity = new Capacity(Duration.ofSeconds(30), 3, Set.of("leonardo"),
            Map.of("replicate", Pattern.compile("aborted by Replicate")));

    @Test
    void routesAreReadWithTheirStepsModelsAndDefaults() {
        ProviderRoutes routes = new ProviderRoutes(Map.of("fast", " bfl:flux-pro-1.1 , replicate:black-forest-labs/flux-dev,fal "),
                Map.of("bfl", "fast", "fal", ""));

        assertThat(routes.steps("fast")).containsExactly(new RouteStep("bfl", "flux-pro-1.1"),
                new RouteStep("replicate", "black-forest-labs/flux-dev"), new RouteStep("fal", null));
        assertThat(routes.defaultRoute("bfl")).isEqualTo("fast");
        assertThat(routes.defaultRoute("fal")).as("blank: none").isNull();
        assertThat(routes.defaultRoute(null)).isNull();
        assertThat(routes.steps("slow")).isNull();
        routes.check(List.of("bfl", "replicate", "fal"));
    }

    @Test
    void aBadSettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> new ProviderRoutes(Map.of("empty", " , "), Map.of()))
                .hasMessage("imagegen.routes.empty: a route names at least one provider (bfl, replicate, fal)");
        assertThatThrownBy(() -> new ProviderRoutes(Map.of("odd", "bfl, :flux-dev"), Map.of()))
                .hasMessage("imagegen.routes.odd: step ':flux-dev' names no provider");
        assertThatThrownBy(() -> new ProviderRoutes(Map.of("fast", "bfl, fal"), Map.of("fal", "fast")))
                .hasMessageStartingWith("imagegen.providers.fal.route: route 'fast' starts at bfl, not at fal");
        assertThatThrownBy(() -> new ProviderRoutes(Map.of(), Map.of("fal", "none")))
                .hasMessageStartingWith("imagegen.providers.fal.route: no route 'none'");
        assertThatThrownBy(() -> new ProviderRoutes(Map.of("fast", "bfl, flux"), Map.of()).check(List.of("bfl", "fal")))
                .hasMessage("imagegen.routes.fast: unknown provider 'flux'; expected one of [bfl, fal]");
        assertThatThrownBy(() -> new Capacity(Duration.ofSeconds(1), 0, Set.of(), Map.of()))
                .hasMessageContaining("imagegen.routing.max-tries");
    }

    @Test
    void onlyCapacityMovesAJobOn() {
        CreateResult busy = CreateResult.retryLater(null, "bfl answered HTTP 503");
        assertThat(capacity.afterCreate("bfl", busy, 503, 2, 0)).as("two tries of three").isNull();
        assertThat(capacity.afterCreate("bfl", busy, 503, 3, 0).outcome()).isEqualTo(Capacity.UNAVAILABLE);

        CreateResult limited = CreateResult.retryLater(Duration.ofSeconds(5), "bfl answered HTTP 429");
        assertThat(capacity.afterCreate("bfl", limited, 429, 9, 20_000)).as("within the budget").isNull();
        assertThat(capacity.afterCreate("bfl", limited, 429, 1, 26_000).outcome()).as("the wait asked for passes it")
                .isEqualTo(Capacity.RATE_LIMITED);

        assertThat(capacity.afterCreate("bfl", CreateResult.refused("no credits"), 402, 1, 0).outcome())
                .isEqualTo(Capacity.NO_QUOTA);
        assertThat(capacity.afterCreate("openai", CreateResult.refused("insufficient_quota"), 429, 1, 0).outcome())
                .isEqualTo(Capacity.NO_QUOTA);
        assertThat(capacity.afterCreate("bfl", CreateResult.refused("invalid input"), 422, 1, 0))
                .as("invalid input is the answer").isNull();
        assertThat(capacity.afterCreate("bfl", CreateResult.unconfirmed("502"), 502, 9, 99_000))
                .as("maybe created: reconciled, never moved").isNull();
        assertThat(capacity.afterCreate("openai", CreateResult.finished(null, StatusResult.censored("no")), 400, 1, 0))
                .as("moderation is the answer").isNull();

        assertThat(capacity.afterSearch("all-images", FindResult.notFound(), 2)).as("two tries of three").isNull();
        assertThat(capacity.afterSearch("all-images", FindResult.notFound(), 3).outcome())
                .isEqualTo(Capacity.UNAVAILABLE);
        assertThat(capacity.afterSearch("all-images", FindResult.unknown("cannot tell"), 9))
                .as("possibly made: settled at the provider").isNull();
        assertThat(capacity.afterSearch("all-images", FindResult.found("g1"), 9)).isNull();

        assertThat(capacity.beforeCreate("leonardo").outcome()).isEqualTo(Capacity.MARKED_DOWN);
        assertThat(capacity.beforeCreate("bfl")).isNull();

        assertThat(capacity.afterStatus("replicate", StatusResult.failed("aborted by Replicate: its deadline passed",
                false)).outcome()).isEqualTo(Capacity.GAVE_UP);
        assertThat(capacity.afterStatus("replicate", StatusResult.failed("the model crashed", false))).isNull();
        assertThat(capacity.afterStatus("replicate", StatusResult.censored("aborted by Replicate"))).isNull();
        assertThat(capacity.afterStatus("bfl", StatusResult.failed("aborted by Replicate", false)))
                .as("each provider's own pattern").isNull();
    }
}
