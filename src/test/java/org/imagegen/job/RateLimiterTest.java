package org.imagegen.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    @Test
    void allowsABurstThenTheRate() {
        RateLimiter limiter = new RateLimiter(10, 3, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isEqualTo(100);   // one token every 100 ms
        assertThat(limiter.tryAcquire(50)).isEqualTo(50);
        assertThat(limiter.tryAcquire(100)).isZero();
        assertThat(limiter.tryAcquire(10_000)).isZero();    // refilled, but never beyond the burst
        assertThat(limiter.tryAcquire(10_000)).isZero();
        assertThat(limiter.tryAcquire(10_000)).isZero();
        assertThat(limiter.tryAcquire(10_000)).isPositive();
    }

    @Test
    void aRetryAfterPausesTheWholeKey() {
        RateLimiter limiter = new RateLimiter(1000, 100, 0);
        limiter.pauseUntil(5_000);
        limiter.pauseUntil(3_000);   // an earlier end never shortens the pause
        assertThat(limiter.tryAcquire(1_000)).isEqualTo(4_000);
        assertThat(limiter.tryAcquire(5_000)).isZero();
    }

    @Test
    void aTokenForACallNotMadeGoesBackButNeverBeyondTheBurst() {
        RateLimiter limiter = new RateLimiter(10, 2, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isPositive();
        limiter.giveBack(); // a create held back by its provider's limits
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isPositive();
        limiter.giveBack();
        limiter.giveBack();
        limiter.giveBack();
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).as("the burst is 2").isPositive();
    }

    @Test
    void aCallThatGoesAlongWithAnAdmittedOneIsChargedEvenWithoutAToken() {
        RateLimiter limiter = new RateLimiter(10, 1, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        limiter.charge(0); // an estimate beside the admitted create: the bucket owes a token
        assertThat(limiter.tryAcquire(0)).as("two tokens short, one every 100 ms").isEqualTo(200);
        assertThat(limiter.tryAcquire(100)).isEqualTo(100);
        assertThat(limiter.tryAcquire(200)).isZero();
    }
}
