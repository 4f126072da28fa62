package org.imagegen.delivery;

/**
 * An image could not be delivered (not an image, too large, cut short); the delivery is retried later, unless the
 * failure is {@code permanent} (a download host that is not allowed): then the job fails delivery at once.
 */
public class DeliveryException extends RuntimeException {

    private final boolean permanent;

    public DeliveryException(String message) {
        this(message, false);
    }

    public DeliveryException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public boolean isPermanent() {
        return permanent;
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
        this.permanent = false;
    }
}
