package org.imagegen.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A check of something the bundle needs to do its work: it decides readiness, never liveness (no restart helps). */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("imagegen", id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }
}
