package org.imagegen.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.imagegen.job.Job;

/**
 * Images a provider sends inside its answer as {@code data:<mime>;base64,<data>} URIs instead of URLs (a synchronous
 * API such as OpenAI Images). They are decoded and staged the moment the answer is read, before the job row says
 * SUCCEEDED, so their bytes are never held by the job store and never fetched over HTTP: the row keeps each as its
 * URI without the data ({@code data:image/png;base64,}), which tells the delivery to use the staged copy. A crash
 * after the staging but before the row was written leaves the images staged and recorded, and the job is settled
 * from them instead of being parked (Reconciliation).
 */
public final class InlineImages {

    /** What an inline image is recorded as in the manifest ({@code acquired}). */
    public static final String ACQUIRED = "inline";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}");

    private final ResultFolders resultFolders;

    public InlineImages(ResultFolders resultFolders) {
        this.resultFolders = resultFolders;
    }

    public static boolean isDataUri(String url) {
        return url != null && url.regionMatches(true, 0, "data:", 0, 5);
    }

    /** The URI as the job store keeps it: its media type, without the data; any other URL unchanged. */
    public static String withoutData(String url) {
        if (!isDataUri(url)) {
            return url;
        }
        int comma = url.indexOf(',');
        String header = (comma < 0 ? url.substring(5) : url.substring(5, comma)).toLowerCase(Locale.ROOT);
        String mediaType = header.contains(";") ? header.substring(0, header.indexOf(';')) : header;
        return "data:" + (MEDIA_TYPE.matcher(mediaType).matches() ? mediaType : "") + ";base64,";
    }

    public static List<String> withoutData(List<String> urls) {
        return urls.stream().map(InlineImages::withoutData).toList();
    }

    /**
     * Stages every data URI of a finished generation's images (image n at position n - 1) and returns the list as
     * the job store keeps it. When every image was inline, the set is recorded as staged, so the delivery downloads
     * nothing. No data URI: nothing happens. An image that is no base64 or no image fails for good (the provider
     * sent these bytes; asking again gives the same); the disk failing does not.
     */
    public List<String> stage(Job job, List<String> urls) {
        if (urls.stream().noneMatch(InlineImages::isDataUri)) {
            return urls;
        }
        job.getStaged().clear();
        for (int i = 0; i < urls.size(); i++) {
            if (isDataUri(urls.get(i))) {
                stageData(job, i, urls.get(i));
            }
        }
        if (urls.stream().allMatch(InlineImages::isDataUri)) {
            resultFolders.recordStaged(job);
        }
        return withoutData(urls);
    }

    /**
     * During a delivery: image {@code index + 1} of the job, which came inline. With its data (an answer not yet
     * recorded) it is decoded and staged; without (as the job store keeps it) the copy staged when the answer came
     * is taken.
     */
    public StagedImage stageAgain(Job job, int index, String dataUri) {
        int comma = dataUri.indexOf(',');
        if (comma >= 0 && comma < dataUri.length() - 1) {
            return stageData(job, index, dataUri);
        }
        Path copy = stagedCopy(job, index + 1);
        if (copy == null) {
            throw new DeliveryException("image " + (index + 1) + " came inline in " + job.getProvider() + "'s answer and"
                    + " its staged copy is gone from " + resultFolders.stagingFolder(job), true);
        }
        try {
            byte[] bytes = Files.readAllBytes(copy);
            return resultFolders.stage(job, index, 200, new ByteArrayInputStream(bytes), null, withoutData(dataUri),
                    ACQUIRED);
        } catch (IOException e) {
            throw new DeliveryException("image " + (index + 1) + ": cannot read its staged copy " + copy + ": " + e, e);
        }
    }

    private StagedImage stageData(Job job, int index, String dataUri) {
        int number = index + 1;
        int comma = dataUri.indexOf(',');
        String header = comma < 0 ? "" : dataUri.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw new DeliveryException("image " + number + " from " + job.getProvider() + " is a data URI that is not"
                    + " base64 (expected data:<type>;base64,<data>)", true);
        }
        byte[] bytes = decode(dataUri.substring(comma + 1));
        if (bytes == null) {
            throw new DeliveryException("image " + number + " from " + job.getProvider() + " is a data URI whose data is"
                    + " not valid base64", true);
        }
        String mediaType = header.substring(0, header.length() - ";base64".length());
        try {
            return resultFolders.stage(job, index, 200, new ByteArrayInputStream(bytes), mediaType,
                    withoutData(dataUri), ACQUIRED);
        } catch (DeliveryException e) {
            if (e.getCause() instanceof IOException) {
                throw e;
            }
            // not an image, too large: the provider's bytes, which another try cannot change
            throw new DeliveryException(e.getMessage(), true);
        }
    }

    /** Standard base64 (line breaks allowed), else its URL-safe variant; null when it is neither. */
    private static byte[] decode(String data) {
        String compact = data.replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(compact);
            } catch (IllegalArgumentException notUrlSafe) {
                return null;
            }
        }
    }

    /** The staged file of image {@code number}, whatever its type, or null. */
    private Path stagedCopy(Job job, int number) {
        for (ImageType type : ImageType.values()) {
            Path file = resultFolders.stagingFolder(job).resolve(number + "." + type.extension());
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }
}
