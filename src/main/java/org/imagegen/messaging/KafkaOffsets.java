package org.imagegen.messaging;

import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/** Commits a Kafka record's offset; the intake route calls it only once the record's jobs are recorded. */
public class KafkaOffsets {

    public void commit(KafkaManualCommit manualCommit) {
        if (manualCommit == null) {
            throw new IllegalStateException("no manual commit on the exchange: the Kafka endpoint needs "
                    + "allowManualCommit=true");
        }
        manualCommit.commit();
    }
}
