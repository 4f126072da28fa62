package org.imagegen.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    /** A new limiter whose whole burst was taken at time 0, each token without a wait. */
    private static RateLimiter burstTaken(double ratePerSecond, int burst) {
        RateLimiter limiter = new RateLimiter(ratePerSecond, burst, 0);
        for (int token = 1; token <= burst; token++) {
            assertThat(limiter.tryAcquire(0)).as("token %d of the burst of %d", token, burst).isZero();
        }
        return limiter;
    }

    @Test
    void allowsABurstThenTheRate() {
        RateLimiter limiter = burstTaken(10, 3);
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
        RateLimiter limiter = burstTaken(10, 2);
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
        RateLimiter limiter = burstTaken(10, 1);
        limiter.charge(0); // an estimate beside the admitted create: the bucket owes a token
        assertThat(limiter.tryAcquire(0)).as("two tokens short, one every 100 ms").isEqualTo(200);
        assertThat(limiter.tryAcquire(100)).isEqualTo(100);
        assertThat(limiter.tryAcquire(200)).isZero();
    }
}
