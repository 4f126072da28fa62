package org.imagegen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the inbox moves a file it read (its {@code move} option). Camel's move first deletes what is at the target and
 * then renames the file there. If two instances read one file (a lock taken over from an instance that stopped
 * refreshing it but was still reading), the second to move would delete the first one's {@code .done/<name>} and then
 * fail to rename a file that is no longer in the inbox: the file would be in neither folder. So a file already gone
 * from the inbox is "moved" to a name nothing has: the first instance's copy stays, and the failed rename is logged.
 */
public final class InboxMoves {

    private static final Logger LOG = LoggerFactory.getLogger(InboxMoves.class);

    /**
     * @param file   the file's absolute path in the inbox
     * @param folder where it goes, relative to the inbox ({@code .done} or {@code .rejected})
     * @param name   its name in the inbox
     * @param readBy what tells this read apart (the exchange id)
     */
    public String target(String file, String folder, String name, String readBy) {
        if (Files.exists(Path.of(file))) {
            return folder + "/" + name;
        }
        LOG.warn("{} is no longer in the inbox: another instance read it too and moved it first; its copy in {} is"
                + " left as it is (the requests read twice stay one job each)", name, folder);
        return folder + "/" + name + ".already-moved-" + readBy;
    }
}
