package org.imagegen.provider.definition;

/**
 * How hard and how often the provider is asked: its rate limit, its poll timings and how long it keeps a result.
 * One section of a {@link ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class PacingProperties {

    private String ratePerSecond;
    private String rateBurst;
    private String pollInitialDelay;
    private String pollInterval;
    private String pollQueuedInterval;
    private String pollDeadline;
    private String resultLifetime;
    private String durationModel;

    /** Creates and checks per second at most (default 5). */
    public String getRatePerSecond() {
        return ratePerSecond;
    }

    public void setRatePerSecond(String ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    /** Calls allowed at once after a quiet spell (default 10). */
    public String getRateBurst() {
        return rateBurst;
    }

    public void setRateBurst(String rateBurst) {
        this.rateBurst = rateBurst;
    }

    /** The shortest plausible generation time (default imagegen.poll.initial-delay). */
    public String getPollInitialDelay() {
        return pollInitialDelay;
    }

    public void setPollInitialDelay(String pollInitialDelay) {
        this.pollInitialDelay = pollInitialDelay;
    }

    /** The delivery-latency bound X between checks (default imagegen.poll.interval). */
    public String getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(String pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** The interval while the provider says queued (default imagegen.poll.queued-interval). */
    public String getPollQueuedInterval() {
        return pollQueuedInterval;
    }

    public void setPollQueuedInterval(String pollQueuedInterval) {
        this.pollQueuedInterval = pollQueuedInterval;
    }

    /** When a job is given up (default imagegen.poll.deadline). */
    public String getPollDeadline() {
        return pollDeadline;
    }

    public void setPollDeadline(String pollDeadline) {
        this.pollDeadline = pollDeadline;
    }

    /**
     * How long the provider keeps a finished generation's result (a duration: BFL's sample URL {@code 10m}); blank:
     * not documented. A job past its deadline is checked late for at most this long (imagegen.poll.late-window
     * otherwise).
     */
    public String getResultLifetime() {
        return resultLifetime;
    }

    public void setResultLifetime(String resultLifetime) {
        this.resultLifetime = resultLifetime;
    }

    /**
     * jq from our request to the name its generation times are learned under (the poll planner's shortest duration per
     * provider and model): a style, a speed mode. Blank: the model the request resolves to.
     */
    public String getDurationModel() {
        return durationModel;
    }

    public void setDurationModel(String durationModel) {
        this.durationModel = durationModel;
    }
}
