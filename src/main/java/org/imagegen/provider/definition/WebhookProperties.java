package org.imagegen.provider.definition;

/**
 * Webhooks: the receiver and its signature scheme (DefinedWebhook), and the per-key subscription the leader keeps
 * (WebhookSubscription). One section of a {@link ProviderDefinition}; docs/adding-a-provider.md describes each
 * property.
 */
public class WebhookProperties {

    private String webhooks;
    private String webhookId;
    private String webhookSignature;
    private String webhookSecret;
    private String webhookSecretPath;
    private String webhookJwksUrl;
    private String webhookTolerance;
    private String webhookSubscribePath;
    private String webhookSubscribeMethod;
    private String webhookSubscribeBody;
    private String webhookSubscriptionId;
    private String webhookUnsubscribePath;
    private String webhookUnsubscribeMethod;
    private String webhookUnsubscribeGone;

    /** Webhooks: {@code true} to receive them at {@code /webhooks/<name>} (default false). */
    public String getWebhooks() {
        return webhooks;
    }

    public void setWebhooks(String webhooks) {
        this.webhooks = webhooks;
    }

    /** Webhooks: jq from a delivery's payload to the generation id. */
    public String getWebhookId() {
        return webhookId;
    }

    public void setWebhookId(String webhookId) {
        this.webhookId = webhookId;
    }

    /** Webhooks: {@code standard-webhooks}, {@code ed25519-jwks} or {@code none} (a secret path instead). */
    public String getWebhookSignature() {
        return webhookSignature;
    }

    public void setWebhookSignature(String webhookSignature) {
        this.webhookSignature = webhookSignature;
    }

    /** Webhooks: the signing secret (standard-webhooks) or the secret path segment (none). */
    public String getWebhookSecret() {
        return webhookSecret;
    }

    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

    /** Webhooks: where the provider serves its signing secret ({@code .key}), when webhookSecret is blank. */
    public String getWebhookSecretPath() {
        return webhookSecretPath;
    }

    public void setWebhookSecretPath(String webhookSecretPath) {
        this.webhookSecretPath = webhookSecretPath;
    }

    /** Webhooks: the provider's JWKS (ed25519-jwks): a full URL or a path below baseUrl. */
    public String getWebhookJwksUrl() {
        return webhookJwksUrl;
    }

    public void setWebhookJwksUrl(String webhookJwksUrl) {
        this.webhookJwksUrl = webhookJwksUrl;
    }

    /** Webhooks: how far a delivery's timestamp may be from now (default 5m). */
    public String getWebhookTolerance() {
        return webhookTolerance;
    }

    public void setWebhookTolerance(String webhookTolerance) {
        this.webhookTolerance = webhookTolerance;
    }

    /** Subscription: path of the call that registers the receiver's URL (one per API key). */
    public String getWebhookSubscribePath() {
        return webhookSubscribePath;
    }

    public void setWebhookSubscribePath(String webhookSubscribePath) {
        this.webhookSubscribePath = webhookSubscribePath;
    }

    /** Subscription: its HTTP method (default POST). */
    public String getWebhookSubscribeMethod() {
        return webhookSubscribeMethod;
    }

    public void setWebhookSubscribeMethod(String webhookSubscribeMethod) {
        this.webhookSubscribeMethod = webhookSubscribeMethod;
    }

    /** Subscription: jq from {@code {url}} (the receiver's URL) to the subscribe body. */
    public String getWebhookSubscribeBody() {
        return webhookSubscribeBody;
    }

    public void setWebhookSubscribeBody(String webhookSubscribeBody) {
        this.webhookSubscribeBody = webhookSubscribeBody;
    }

    /** Subscription: jq from the subscribe answer to the subscription's id. */
    public String getWebhookSubscriptionId() {
        return webhookSubscriptionId;
    }

    public void setWebhookSubscriptionId(String webhookSubscriptionId) {
        this.webhookSubscriptionId = webhookSubscriptionId;
    }

    /** Subscription: path of the call that removes one; {@code ${id}} is replaced. */
    public String getWebhookUnsubscribePath() {
        return webhookUnsubscribePath;
    }

    public void setWebhookUnsubscribePath(String webhookUnsubscribePath) {
        this.webhookUnsubscribePath = webhookUnsubscribePath;
    }

    /** Subscription: its HTTP method (default DELETE). */
    public String getWebhookUnsubscribeMethod() {
        return webhookUnsubscribeMethod;
    }

    public void setWebhookUnsubscribeMethod(String webhookUnsubscribeMethod) {
        this.webhookUnsubscribeMethod = webhookUnsubscribeMethod;
    }

    /** Subscription: error codes of the removal that mean it is gone already (default 404). */
    public String getWebhookUnsubscribeGone() {
        return webhookUnsubscribeGone;
    }

    public void setWebhookUnsubscribeGone(String webhookUnsubscribeGone) {
        this.webhookUnsubscribeGone = webhookUnsubscribeGone;
    }
}
