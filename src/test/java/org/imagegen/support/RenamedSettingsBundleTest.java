package org.imagegen.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** A bundle set up with the settings' old millisecond names runs on them, as before they were renamed. */
@ExtendWith(PostgresJobStore.class)
class RenamedSettingsBundleTest {

    @Test
    void theOldMillisecondKeysStillDriveTheRoutes() throws Exception {
        Folders folders = new Folders("renamed-settings").clean();
        List<String> settings = new ArrayList<>(List.of(folders.properties()));
        settings.addAll(List.of(
                "imagegen.simulate=true",
                "imagegen.simulator.duration-min=200ms",
                "imagegen.simulator.duration-max=400ms",
                "imagegen.poll.initial-delay=200ms",
                "imagegen.poll.interval=200ms",
                "imagegen.loop.tick-ms=50",
                "imagegen.inbox.poll-ms=100",
                "imagegen.inbox.stable-ms=120",
                "imagegen.events.poll-ms=70"));
        try (RunningBundle bundle = RunningBundle.start(settings.toArray(String[]::new))) {
            TimerEndpoint tick = (TimerEndpoint) bundle.context().getRoute("claim-due-jobs").getEndpoint();
            assertThat(tick.getPeriod()).isEqualTo(50);
            // a singleton duty: its timer sits behind the leader election's endpoint
            assertThat(bundle.context().getEndpoints()).filteredOn(TimerEndpoint.class::isInstance)
                    .map(e -> (TimerEndpoint) e).filteredOn(e -> e.getTimerName().equals("publish-events"))
                    .singleElement().extracting(TimerEndpoint::getPeriod).isEqualTo(70L);
            FileEndpoint inbox = (FileEndpoint) bundle.context().getRoute("ingest-folder").getEndpoint();
            assertThat(inbox.getDelay()).isEqualTo(100);
            assertThat(inbox.getReadLockMinAge()).isEqualTo(120);

            folders.drop("old-keys.json", "{\"id\": \"old-keys\", \"prompt\": \"a request under the old settings\"}");
            assertThat(folders.awaitManifest("old-keys", Duration.ofSeconds(20)).path("state").asText())
                    .isEqualTo("DELIVERED");
        }
    }
}
