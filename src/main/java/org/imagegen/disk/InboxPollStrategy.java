package org.imagegen.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;

/**
 * The inbox consumer's poll strategy: while a folder the bundle writes to is short of space, the inbox is not polled
 * at all, so its files stay where they are, unread and unlocked (another instance on the same inbox with room can take
 * them), and each one is logged by name with the free space. Skipping the poll, rather than failing each file, keeps
 * Camel from logging a rollback for every file at every poll.
 */
public class InboxPollStrategy extends DefaultPollingConsumerPollStrategy {

    private final DiskSpace disk;
    private final Path inbox;

    public InboxPollStrategy(DiskSpace disk, Path inbox) {
        this.disk = disk;
        this.inbox = inbox;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return disk.intakeShortage() == null || disk.admitsIntake(waiting());
    }

    /** The request files waiting in the inbox, as the intake names them ({@code file:<name>}). */
    private List<String> waiting() {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().map(name -> "file:" + name).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
