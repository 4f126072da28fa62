package org.imagegen.provider.webhook;

import java.util.concurrent.atomic.AtomicLong;

/** One provider's webhook deliveries: received (verified), those that brought a check forward, and refused. */
public final class WebhookCounts {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong broughtForward = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public void received(boolean checkBroughtForward) {
        received.incrementAndGet();
        if (checkBroughtForward) {
            broughtForward.incrementAndGet();
        }
    }

    public void refused() {
        refused.incrementAndGet();
    }

    public long received() {
        return received.get();
    }

    public long broughtForward() {
        return broughtForward.get();
    }

    public long refusedCount() {
        return refused.get();
    }
}
