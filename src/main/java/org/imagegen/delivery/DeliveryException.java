package org.imagegen.delivery;

/** An image could not be delivered (not an image, too large, cut short); the delivery is retried later. */
public class DeliveryException extends RuntimeException {

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
