package org.imagegen.provider;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.ShippedSimulators;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A RenderNet create whose answer was lost, looked for in RenderNet's generation list
 * (imagegen.providers.rendernet.reconcile-by-list, on by default): taken when it is the one generation no job owns
 * created since the create was sent, parked for a person otherwise, and never sent twice or shared by two jobs.
 * In order: the first test needs a store without parked jobs, which the later ones leave behind.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.LOST_ANSWERS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=rn-reconcile"
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RenderNetReconcileTest extends ShippedSimulators {

    @Test
    @Order(1)
    void aLostCreateThatIsTheOnlyNewGenerationInTheListIsTakenNotSentAgain() {
        folders.drop("lost.json", "{\"id\": \"rn-found\", \"provider\": \"rendernet\", \"prompt\": \"lost sim:create-lost\"}");

        JsonNode manifest = folders.awaitEnded("rn-found", "DELIVERED", WAIT);

        assertThat(manifest.path("createAttempts").asInt()).isEqualTo(1);
        assertThat(manifest.toString()).contains("after a lost create answer");
        assertThat(manifest.path("providerGenerationId").asText()).startsWith("gen_");
        assertThat(rendernet.createsFor("rn-found")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aCreateTooSlowToAnswerIsTakenFromTheListToo() {
        folders.drop("slow.json", "{\"id\": \"rn-slow\", \"provider\": \"rendernet\", \"prompt\": \"slow sim:create-slowx1\"}");

        folders.awaitEnded("rn-slow", "DELIVERED", WAIT);

        assertThat(rendernet.createsFor("rn-slow")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void lostCreatesAtTheSameTimeAreNeverGivenEachOthersGeneration() {
        folders.drop("lost-together.jsonl", """
                {"id": "rn-twin-1", "provider": "rendernet", "prompt": "twin one sim:create-lost"}
                {"id": "rn-twin-2", "provider": "rendernet", "prompt": "twin two sim:create-lost"}
                {"id": "rn-twin-3", "provider": "rendernet", "prompt": "twin three sim:create-lost"}
                """);

        List<JsonNode> manifests = List.of(folders.awaitManifest("rn-twin-1", WAIT),
                folders.awaitManifest("rn-twin-2", WAIT), folders.awaitManifest("rn-twin-3", WAIT));

        // each is either delivered with a generation of its own or parked for a person: which, depends on whether
        // the others' creates were still unsettled when it looked; never a second create, never a shared generation
        List<String> generations = manifests.stream().filter(m -> m.path("state").asText().equals("DELIVERED"))
                .map(m -> m.path("providerGenerationId").asText()).toList();
        assertThat(generations).doesNotHaveDuplicates();
        assertThat(manifests).allSatisfy(m -> assertThat(m.path("state").asText()).isIn("DELIVERED", "NEEDS_ATTENTION"));
        assertThat(manifests).filteredOn(m -> m.path("state").asText().equals("NEEDS_ATTENTION"))
                .allSatisfy(m -> assertThat(m.path("reason").asText()).contains("not sent again"));
        for (String id : List.of("rn-twin-1", "rn-twin-2", "rn-twin-3")) {
            assertThat(rendernet.createsFor(id)).isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void aCreateThatNeverArrivedIsParkedRatherThanGuessedFromTheList() {
        folders.drop("refused.json", "{\"id\": \"rn-not-made\", \"provider\": \"rendernet\", \"prompt\": \"x sim:create-500x1\"}");

        JsonNode manifest = folders.awaitEnded("rn-not-made", "NEEDS_ATTENTION", WAIT);

        assertThat(manifest.path("reason").asText()).contains("not sent again");
        assertThat(rendernet.createsFor("rn-not-made")).isZero();
    }
}
