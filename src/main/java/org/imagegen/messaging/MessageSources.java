package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names the source of a queued message so that a redelivery of the same message has the same name (the intake then
 * treats its jobs as already accepted, not as duplicates). AMQP's message-id is optional: without one, the name
 * uses a hash of the content instead.
 */
public class MessageSources {

    /** {@code content}: the message's body, bytes or text. */
    public String of(String queue, String messageId, Object content) {
        if (messageId != null && !messageId.isBlank()) {
            return queue + "/" + messageId;
        }
        try {
            byte[] bytes = content instanceof byte[] b ? b
                    : (content == null ? "" : content.toString()).getBytes(StandardCharsets.UTF_8);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return queue + "/sha256:" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
