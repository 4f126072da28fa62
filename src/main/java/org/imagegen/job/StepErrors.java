package org.imagegen.job;

import java.net.ConnectException;

import org.imagegen.delivery.DeliveryException;

/** What a step's error says: its cause underneath Camel's wrappers, whether it is permanent, whether a create left. */
final class StepErrors {

    private StepErrors() {
    }

    /**
     * The first exception of that type along {@code error}'s causes, or null: Camel may wrap the bean's exception (an
     * expression failed, a split failed).
     */
    static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The sink routes send file by file in a split, which wraps the sink's own error ("Multicast processing failed for
     * number 0. Exchange[…]"); the operator needs the error underneath ("Cannot connect to sftp://…"). Matched by
     * name: this class stays free of Camel imports.
     */
    static Throwable withoutSplitWrapper(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t
                && t.getClass().getName().equals("org.apache.camel.CamelExchangeException")) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isPermanentDeliveryFailure(Throwable error) {
        DeliveryException delivery = cause(error, DeliveryException.class);
        return delivery != null && delivery.isPermanent();
    }

    static boolean isNeverSent(Throwable error) {
        return cause(error, ConnectException.class) != null;
    }

    static String describe(Throwable error) {
        DeliveryException delivery = cause(error, DeliveryException.class);
        if (delivery != null) {
            // already says which image, from where and why; Camel's split wrapper around it says nothing more
            return delivery.getMessage();
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
