package org.imagegen.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.imagegen.delivery.StagedImage;
import org.imagegen.request.GenerationRequest;

/** A job row: one request, its provider generation and where it stands. Mutable; saved through {@link JobStore}. */
public class Job {

    private String key;
    private String provider;
    private JobState state;
    private GenerationRequest request;
    private String source;
    private String providerJobId;
    private int createAttempts;
    private int providerRetries;
    private int checks;
    private int transientErrors;
    private int deliveryAttempts;
    private Long nextCheckAt;
    private long deadlineAt;
    private long acceptedAt;
    private Long submittedAt;
    private Long completedAt;
    private String reason;
    private List<String> imageUrls = List.of();
    private String leaseOwner;
    /** What the provider reported the generation cost (the last figure it gave), in {@link #costUnit}; null: none. */
    private Double cost;
    private String costUnit;
    /** Where {@link #cost} came from: {@code reported} by the provider or {@code configured}; null: no cost. */
    private String costSource;
    /** The model the cost is for (spend is summed per provider and model). */
    private String costModel;
    /** Set by a queue intake on a new job; written once with the job, not read back with it (see JobStore). */
    private ReplyAddress replyTo;
    private final transient List<StagedImage> staged = new ArrayList<>();
    /** Set while this step sends a create (not stored): a failure then is about the create, not a search for it. */
    private transient boolean createInFlight;
    /** Where the generation's status is asked, when the provider returned a URL for it at create. */
    private String statusUrl;
    /** The provider's last reported queue position and progress (0-100); null when it reported none. */
    private Integer position;
    private Integer progress;
    /** Whether statusUrl, position or progress changed since the job was read or saved: only then are they written. */
    private transient boolean progressChanged;
    /** When this instance claimed the job (not stored): how long it has waited in its provider's lane. */
    private transient long claimedAt;
    /** When the row was last written, as read: a bulk status list asked for after it may answer the job's check. */
    private transient long updatedAt;

    /** The step the status loop takes next. */
    public JobAction action(long now) {
        if (state == JobState.SUBMITTING) {
            return JobAction.RECONCILE;
        }
        if (state == JobState.SUCCEEDED) {
            return JobAction.DELIVER;
        }
        if (state == JobState.TIMED_OUT) {
            // claimed only while checked late, after its deadline (StatusChecks.expire): not expired again
            return JobAction.CHECK;
        }
        if (now >= deadlineAt) {
            return JobAction.EXPIRE;
        }
        return state == JobState.ACCEPTED || state == JobState.HELD_BUDGET ? JobAction.SUBMIT : JobAction.CHECK;
    }

    public long getClaimedAt() { return claimedAt; }
    public void setClaimedAt(long claimedAt) { this.claimedAt = claimedAt; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
    public boolean isCreateInFlight() { return createInFlight; }
    public void setCreateInFlight(boolean createInFlight) { this.createInFlight = createInFlight; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public String getProvider() { return provider; }
    public void setProvider(String provider) { this.provider = provider; }
    public JobState getState() { return state; }
    public void setState(JobState state) { this.state = state; }
    public GenerationRequest getRequest() { return request; }
    public void setRequest(GenerationRequest request) { this.request = request; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getProviderJobId() { return providerJobId; }
    public void setProviderJobId(String providerJobId) { this.providerJobId = providerJobId; }
    public int getCreateAttempts() { return createAttempts; }
    public void setCreateAttempts(int createAttempts) { this.createAttempts = createAttempts; }
    public int getProviderRetries() { return providerRetries; }
    public void setProviderRetries(int providerRetries) { this.providerRetries = providerRetries; }
    public int getChecks() { return checks; }
    public void setChecks(int checks) { this.checks = checks; }
    public int getTransientErrors() { return transientErrors; }
    public void setTransientErrors(int transientErrors) { this.transientErrors = transientErrors; }
    public int getDeliveryAttempts() { return deliveryAttempts; }
    public void setDeliveryAttempts(int deliveryAttempts) { this.deliveryAttempts = deliveryAttempts; }
    public Long getNextCheckAt() { return nextCheckAt; }
    public void setNextCheckAt(Long nextCheckAt) { this.nextCheckAt = nextCheckAt; }
    public long getDeadlineAt() { return deadlineAt; }
    public void setDeadlineAt(long deadlineAt) { this.deadlineAt = deadlineAt; }
    public long getAcceptedAt() { return acceptedAt; }
    public void setAcceptedAt(long acceptedAt) { this.acceptedAt = acceptedAt; }
    public Long getSubmittedAt() { return submittedAt; }
    public void setSubmittedAt(Long submittedAt) { this.submittedAt = submittedAt; }
    public Long getCompletedAt() { return completedAt; }
    public void setCompletedAt(Long completedAt) { this.completedAt = completedAt; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public List<String> getImageUrls() { return imageUrls; }
    public void setImageUrls(List<String> imageUrls) { this.imageUrls = imageUrls == null ? List.of() : List.copyOf(imageUrls); }
    public String getLeaseOwner() { return leaseOwner; }
    public void setLeaseOwner(String leaseOwner) { this.leaseOwner = leaseOwner; }
    public Double getCost() { return cost; }
    public void setCost(Double cost) { this.cost = cost; }
    public String getCostUnit() { return costUnit; }
    public void setCostUnit(String costUnit) { this.costUnit = costUnit; }
    public String getCostSource() { return costSource; }
    public void setCostSource(String costSource) { this.costSource = costSource; }
    public String getCostModel() { return costModel; }
    public void setCostModel(String costModel) { this.costModel = costModel; }
    public ReplyAddress getReplyTo() { return replyTo; }
    public void setReplyTo(ReplyAddress replyTo) { this.replyTo = replyTo; }

    public String getStatusUrl() { return statusUrl; }
    public Integer getPosition() { return position; }
    public Integer getProgress() { return progress; }

    public void setStatusUrl(String statusUrl) {
        progressChanged |= !Objects.equals(this.statusUrl, statusUrl);
        this.statusUrl = statusUrl;
    }

    /** What the provider reported at the last check; marks the job for writing only when it differs. */
    public void setProgress(Integer position, Integer progress) {
        progressChanged |= !Objects.equals(this.position, position)
                || !Objects.equals(this.progress, progress);
        this.position = position;
        this.progress = progress;
    }

    /** As read from the store: nothing to write. */
    void restoreProgress(String statusUrl, Integer position, Integer progress) {
        this.statusUrl = statusUrl;
        this.position = position;
        this.progress = progress;
        this.progressChanged = false;
    }

    boolean isProgressChanged() { return progressChanged; }
    void progressSaved() { progressChanged = false; }

    /** Images downloaded during the current delivery attempt (not stored: a new attempt downloads again). */
    public List<StagedImage> getStaged() { return staged; }

    @Override
    public String toString() {
        return "Job[" + key + ", " + provider + ", " + state + "]";
    }
}
