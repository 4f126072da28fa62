package org.imagegen.messaging;

import java.time.Duration;

import org.apache.camel.ServiceStatus;
import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** imagegen.jms.enabled=false: no broker is started, the JMS intake stays stopped, and folders work as before. */
class JmsDisabledTest {

    @Test
    void withJmsOffNoBrokerStartsAndTheFolderIntakeStillWorks() throws Exception {
        Folders folders = new Folders("jms-disabled").clean();
        try (RunningBundle bundle = RunningBundle.start(folders.fastBundle("imagegen.jms.enabled=false"))) {
            assertThat(bundle.context().getRegistry().lookupByName("jmsBroker")).isNull();
            assertThat(bundle.context().getRouteController().getRouteStatus("ingest-jms"))
                    .isEqualTo(ServiceStatus.Stopped);
            assertThat(bundle.context().getRouteController().getRouteStatus("publish-events"))
                    .isEqualTo(ServiceStatus.Started);

            folders.drop("plain.json", "{\"id\": \"no-jms\", \"prompt\": \"a folder request\"}");
            assertThat(folders.awaitManifest("no-jms", Duration.ofSeconds(20)).path("state").asText())
                    .isEqualTo("DELIVERED");
        }
    }
}
