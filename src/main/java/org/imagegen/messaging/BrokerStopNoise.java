package org.imagegen.messaging;

import java.nio.channels.ClosedByInterruptException;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the one ERROR the embedded Artemis broker logs while it stops, when nothing failed: its journal lock monitor
 * (a periodic check that another broker has not taken the data folder's lock) is interrupted by the broker's own
 * stop in the middle of reading the lock file, and it logs the {@link ClosedByInterruptException} that the read
 * ends in as an error. Any other error of the lock monitor (a lock really lost, an I/O error) still shows, and so
 * does this one from any other logger. Named in {@code logback.xml}.
 */
public class BrokerStopNoise extends Filter<ILoggingEvent> {

    static final String LOCK_MONITOR = "org.apache.activemq.artemis.core.server.impl.FileLockNodeManager";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return LOCK_MONITOR.equals(event.getLoggerName()) && interrupted(event.getThrowableProxy())
                ? FilterReply.DENY
                : FilterReply.NEUTRAL;
    }

    private static boolean interrupted(IThrowableProxy thrown) {
        for (IThrowableProxy cause = thrown; cause != null; cause = cause.getCause()) {
            if (ClosedByInterruptException.class.getName().equals(cause.getClassName())) {
                return true;
            }
        }
        return false;
    }
}
