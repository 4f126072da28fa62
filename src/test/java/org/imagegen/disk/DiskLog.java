package org.imagegen.disk;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/** The log lines of the classes that report disk space, kept for a test to read (what an operator sees). */
final class DiskLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final List<String> LOGGERS = List.of("org.imagegen.disk.DiskSpace", "org.imagegen.job.StepFailures",
            "org.imagegen.job.JobDelivery");

    final List<String> lines = new CopyOnWriteArrayList<>();

    DiskLog() {
        start();
        for (String name : LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(this);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    long count(String... parts) {
        return lines.stream().filter(l -> java.util.Arrays.stream(parts).allMatch(l::contains)).count();
    }

    @Override
    public void close() {
        for (String name : LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).detachAppender(this);
        }
        stop();
    }
}
