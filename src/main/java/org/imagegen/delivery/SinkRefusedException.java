package org.imagegen.delivery;

/** The sink refused the delivery in a way a retry would not change (e.g. HTTP 401): the sink fails at once. */
public class SinkRefusedException extends DeliveryException {

    public SinkRefusedException(String message) {
        super(message);
    }
}
