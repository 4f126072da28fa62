package org.imagegen.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        List<String> settings = new ArrayList<>(List.of(folders.properties()));
        settings.addAll(List.of("imagegen.jms.enabled=false", "imagegen.simulate=true",
                "imagegen.simulator.duration-min=100ms", "imagegen.simulator.duration-max=200ms",
                "imagegen.poll.initial-delay=100ms", "imagegen.poll.interval=100ms", "imagegen.loop.tick-ms=50"));
        try (RunningBundle bundle = RunningBundle.start(settings.toArray(String[]::new))) {
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
