package org.imagegen.provider.definition;

/**
 * Image acquisition: which rendition and size, and the paid calls that acquire or download an image
 * (ImageAcquisition). One section of a {@link ProviderDefinition}; docs/adding-a-provider.md describes each
 * property.
 */
public class ImageProperties {

    private String imageMode;
    private String imageModes;
    private String imageSize;
    private String imageSizes;
    private String acquireModes;
    private String acquirePath;
    private String acquireMethod;
    private String acquireBody;
    private String acquireUrl;
    private String downloadModes;
    private String downloadPath;
    private String downloadMethod;
    private String downloadBody;
    private String acquireRefusal;
    private String imageAcquired;

    /** Images: which rendition the operator chose (one of imageModes); jq sees it as {@code $imageMode}. */
    public String getImageMode() {
        return imageMode;
    }

    public void setImageMode(String imageMode) {
        this.imageMode = imageMode;
    }

    /** Images: the words imageMode may be (comma-separated). */
    public String getImageModes() {
        return imageModes;
    }

    public void setImageModes(String imageModes) {
        this.imageModes = imageModes;
    }

    /** Images: which size to acquire (one of imageSizes); jq sees it as {@code $imageSize}. */
    public String getImageSize() {
        return imageSize;
    }

    public void setImageSize(String imageSize) {
        this.imageSize = imageSize;
    }

    /** Images: the words imageSize may be (comma-separated). */
    public String getImageSizes() {
        return imageSizes;
    }

    public void setImageSizes(String imageSizes) {
        this.imageSizes = imageSizes;
    }

    /** Images: the imageModes that acquire each image first (a paid call answering the link to download). */
    public String getAcquireModes() {
        return acquireModes;
    }

    public void setAcquireModes(String acquireModes) {
        this.acquireModes = acquireModes;
    }

    /** Images: path of the acquiring call. */
    public String getAcquirePath() {
        return acquirePath;
    }

    public void setAcquirePath(String acquirePath) {
        this.acquirePath = acquirePath;
    }

    /** Images: its HTTP method (default POST). */
    public String getAcquireMethod() {
        return acquireMethod;
    }

    public void setAcquireMethod(String acquireMethod) {
        this.acquireMethod = acquireMethod;
    }

    /** Images: jq from the image URL ({@code $number}, {@code $imageMode}, {@code $imageSize}) to its body. */
    public String getAcquireBody() {
        return acquireBody;
    }

    public void setAcquireBody(String acquireBody) {
        this.acquireBody = acquireBody;
    }

    /** Images: jq from the acquiring call's answer to the URL to download. */
    public String getAcquireUrl() {
        return acquireUrl;
    }

    public void setAcquireUrl(String acquireUrl) {
        this.acquireUrl = acquireUrl;
    }

    /** Images: the imageModes whose download is a call of its own (a paid route answering the bytes). */
    public String getDownloadModes() {
        return downloadModes;
    }

    public void setDownloadModes(String downloadModes) {
        this.downloadModes = downloadModes;
    }

    /** Images: path of that download call. */
    public String getDownloadPath() {
        return downloadPath;
    }

    public void setDownloadPath(String downloadPath) {
        this.downloadPath = downloadPath;
    }

    /** Images: its HTTP method (default POST). */
    public String getDownloadMethod() {
        return downloadMethod;
    }

    public void setDownloadMethod(String downloadMethod) {
        this.downloadMethod = downloadMethod;
    }

    /** Images: jq from the image URL to that download call's body. */
    public String getDownloadBody() {
        return downloadBody;
    }

    public void setDownloadBody(String downloadBody) {
        this.downloadBody = downloadBody;
    }

    /** Images: jq from an error answer of the acquiring or download call to the reason it fails for good
     * (a retry of the delivery by a person may clear it: no credits), or null. */
    public String getAcquireRefusal() {
        return acquireRefusal;
    }

    public void setAcquireRefusal(String acquireRefusal) {
        this.acquireRefusal = acquireRefusal;
    }

    /** Images: jq from the image URL to how it was got, as the manifest records it (default {@code url}). */
    public String getImageAcquired() {
        return imageAcquired;
    }

    public void setImageAcquired(String imageAcquired) {
        this.imageAcquired = imageAcquired;
    }
}
