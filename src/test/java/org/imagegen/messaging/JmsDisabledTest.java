package org.imagegen.messaging;

import java.time.Duration;

import org.apache.camel.ServiceStatus;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** imagegen.jms.enabled=false: no broker is started, no JMS route is built, and folders work as before. */
@ExtendWith(PostgresJobStore.class)
class JmsDisabledTest {

    @Test
    void withJmsOffNoBrokerStartsAndTheFolderIntakeStillWorks() throws Exception {
        Folders folders = new Folders("jms-disabled").clean();
        try (RunningBundle bundle = RunningBundle.start(folders.fastBundle("imagegen.jms.enabled=false"))) {
            assertThat(bundle.context().getRegistry().lookupByName("jmsBroker")).isNull();
            // off means absent: no JMS route is built
            assertThat(bundle.context().getRoutes()).extracting(r -> r.getRouteId())
                    .doesNotContain("ingest-jms", "jms-dead-letter", "jms-reply-rejected", "send-jms-reply");
            assertThat(bundle.context().getRouteController().getRouteStatus("publish-events"))
                    .isEqualTo(ServiceStatus.Started);

            folders.drop("plain.json", "{\"id\": \"no-jms\", \"prompt\": \"a folder request\"}");
            assertThat(folders.awaitManifest("no-jms", Duration.ofSeconds(20)).path("state").asText())
                    .isEqualTo("DELIVERED");
        }
    }

    @Test
    void aJmsEventEndpointWhileJmsIsOffStopsTheStartWithTheSettingsNamed() {
        Folders folders = new Folders("jms-disabled-events").clean();
        assertThatThrownBy(() -> RunningBundle.start(folders.fastBundle("imagegen.jms.enabled=false",
                "imagegen.events.endpoints=jms:topic:imagegen.events")).close())
                .hasStackTraceContaining("imagegen.events.endpoints names a jms: endpoint while JMS is off");
    }
}
