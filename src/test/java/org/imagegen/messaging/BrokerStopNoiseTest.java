package org.imagegen.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class BrokerStopNoiseTest {

    private final LoggerContext logging = new LoggerContext();
    private final BrokerStopNoise filter = new BrokerStopNoise();

    @Test
    void theLockMonitorsInterruptedReadAtStopIsDropped() {
        assertThat(filter.decide(error(BrokerStopNoise.LOCK_MONITOR, new ClosedByInterruptException())))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(error(BrokerStopNoise.LOCK_MONITOR,
                new IllegalStateException("lock check", new ClosedByInterruptException()))))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void everyOtherErrorStillShows() {
        assertThat(filter.decide(error(BrokerStopNoise.LOCK_MONITOR, new IOException("No space left on device"))))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(error(BrokerStopNoise.LOCK_MONITOR, null))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(error("org.imagegen.job.JobStore", new ClosedByInterruptException())))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    private LoggingEvent error(String loggerName, Throwable thrown) {
        Logger logger = logging.getLogger(loggerName);
        return new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "lock monitor failed", thrown, null);
    }
}
