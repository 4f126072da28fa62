package org.imagegen.job;

import java.util.ArrayList;
import java.util.List;

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
    /** Set by a queue intake on a new job; written once with the job, not read back with it (see JobStore). */
    private ReplyAddress replyTo;
    private final transient List<StagedImage> staged = new ArrayList<>();
    /** Set while this step sends a create (not stored): a failure then is about the create, not a search for it. */
    private transient boolean createInFlight;
    /** When this instance claimed the job (not stored): how long it has waited in its provider's lane. */
    private transient long claimedAt;

    /** The step the status loop takes next. */
    public JobAction action(long now) {
        if (state == JobState.SUBMITTING) {
            return JobAction.RECONCILE;
        }
        if (state == JobState.SUCCEEDED) {
            return JobAction.DELIVER;
        }
        if (now >= deadlineAt) {
            return JobAction.EXPIRE;
        }
        return state == JobState.ACCEPTED ? JobAction.SUBMIT : JobAction.CHECK;
    }

    public long getClaimedAt() { return claimedAt; }
    public void setClaimedAt(long claimedAt) { this.claimedAt = claimedAt; }
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
    public ReplyAddress getReplyTo() { return replyTo; }
    public void setReplyTo(ReplyAddress replyTo) { this.replyTo = replyTo; }

    /** Images downloaded during the current delivery attempt (not stored: a new attempt downloads again). */
    public List<StagedImage> getStaged() { return staged; }

    @Override
    public String toString() {
        return "Job[" + key + ", " + provider + ", " + state + "]";
    }
}
