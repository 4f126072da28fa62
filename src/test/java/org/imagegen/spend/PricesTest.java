package org.imagegen.spend;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Configured prices: per image or per generation, a model's own price over the provider's, bad settings named. */
class PricesTest {

    @Test
    void perImageByDefaultPerGenerationWhenSaidAndAModelsOwnPriceFirst() {
        Prices prices = Prices.of(Map.of(
                "imagegen.providers.fal.price", "0.025",
                "imagegen.providers.fal.price-unit", "USD",
                "imagegen.providers.fal.price.fal-ai/flux/dev", "0.05",
                "imagegen.providers.replicate.price", " 0.003 ",
                "imagegen.providers.replicate.price-unit", "USD",
                "imagegen.providers.replicate.price-per", "generation",
                "imagegen.providers.fal.max-in-flight", "4"));

        assertThat(prices.configured("fal", "fal-ai/flux/schnell", 2)).isEqualTo(new Prices.Cost(0.05, "USD"));
        assertThat(prices.configured("fal", "fal-ai/flux/dev", 3).amount()).isCloseTo(0.15, within(1e-12));
        assertThat(prices.configured("fal", null, 1)).isEqualTo(new Prices.Cost(0.025, "USD"));
        assertThat(prices.configured("replicate", "any", 4)).isEqualTo(new Prices.Cost(0.003, "USD"));
        assertThat(prices.configured("bfl", "flux-dev", 1)).as("no price configured").isNull();
        assertThat(Prices.none().configured("fal", "fal-ai/flux/dev", 1)).isNull();
    }

    @Test
    void onlyModelsPricedMeansOtherModelsHaveNone() {
        Prices prices = Prices.of(Map.of(
                "imagegen.providers.openai.price.dall-e-3", "0.04",
                "imagegen.providers.openai.price-unit", "USD",
                "imagegen.providers.leonardo.price", "  "));

        assertThat(prices.configured("openai", "dall-e-3", 2)).isEqualTo(new Prices.Cost(0.08, "USD"));
        assertThat(prices.configured("openai", "gpt-image-1", 1)).isNull();
        assertThat(prices.configured("leonardo", "x", 1)).as("a blank price is no price").isNull();
    }

    @Test
    void aBadSettingIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> Prices.of(Map.of("imagegen.providers.fal.price", "4 cents",
                "imagegen.providers.fal.price-unit", "USD")))
                .hasMessage("imagegen.providers.fal.price: '4 cents' is not a number");
        assertThatThrownBy(() -> Prices.of(Map.of("imagegen.providers.fal.price", "-1",
                "imagegen.providers.fal.price-unit", "USD")))
                .hasMessage("imagegen.providers.fal.price: '-1' is not a price (a number, 0 or more)");
        assertThatThrownBy(() -> Prices.of(Map.of("imagegen.providers.fal.price", "0.02")))
                .hasMessage("imagegen.providers.fal.price-unit: required with a price (USD, credits, ...)");
        assertThatThrownBy(() -> Prices.of(Map.of("imagegen.providers.fal.price", "0.02",
                "imagegen.providers.fal.price-unit", "USD", "imagegen.providers.fal.price-per", "prompt")))
                .hasMessage("imagegen.providers.fal.price-per: 'prompt' is neither image nor generation");
        assertThatThrownBy(() -> Prices.of(Map.of("imagegen.providers.fal.price-unit", "USD")))
                .hasMessageStartingWith("imagegen.providers.fal.price-unit/price-per: set without a price");
    }
}
