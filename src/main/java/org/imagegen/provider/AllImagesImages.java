package org.imagegen.provider;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.delivery.DeliveryException;

/**
 * How the bundle gets the images of a finished all-images.ai generation ({@code imagegen.providers.all-images.images}).
 * A generation lists <em>display</em> URLs ({@code GET /v1/images/{preview|full}/{id}.jpg}, free); the API also sells
 * the image itself, credits debited once per image (buying or downloading the same image again costs nothing more):
 * <ul>
 *   <li>{@code preview}: the small display image; {@code full}: the full-size display image (the default);</li>
 *   <li>{@code buy}: {@code POST /v1/images/buy {"id"}} answers direct links, one per size
 *       ({@code urlFull}, {@code urlUpscale}, {@code urlUpscaleUHD}); the link of {@code buy-size} is downloaded;</li>
 *   <li>{@code download}: {@code POST /v1/images/download {"id"}} answers the image bytes.</li>
 * </ul>
 * Out of credits, the paid routes answer {@code 402}: the delivery fails at once with a reason that says so, and an
 * operator's retry of the delivery buys again once credits were added.
 */
public final class AllImagesImages {

    public enum Mode { PREVIEW, FULL, BUY, DOWNLOAD }

    /** The sizes a purchase offers, by the answer's field. */
    public enum BuySize {
        FULL("urlFull"), UPSCALE("urlUpscale"), UPSCALE_UHD("urlUpscaleUHD");

        final String field;

        BuySize(String field) {
            this.field = field;
        }

        String setting() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The documented display URL: .../images/{preview|full}/{imageId}.jpg */
    private static final Pattern DISPLAY_URL = Pattern.compile("/images/(preview|full)/([^/?#]+)\\.jpg(?:[?#].*)?$");

    private final Mode mode;
    private final BuySize buySize;
    private final String baseUrl;

    /** {@code images}: preview, full, buy or download; {@code buySize}: full, upscale or upscale-uhd. */
    public AllImagesImages(String images, String buySize, String baseUrl) {
        this.mode = parse(Mode.class, images, "imagegen.providers.all-images.images", "preview, full, buy, download");
        this.buySize = parse(BuySize.class, buySize, "imagegen.providers.all-images.buy-size", "full, upscale, upscale-uhd");
        this.baseUrl = baseUrl;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String key, String expected) {
        String name = value == null ? "" : value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of " + expected + "; it is '" + value + "'");
        }
    }

    public Mode mode() {
        return mode;
    }

    /**
     * The URL kept for one listed image: the display URL of the configured size; for the paid modes the full display
     * URL in its documented form, which names the image id the purchase needs.
     */
    String resultUrl(JsonNode image) {
        String id = ProviderJson.text(image, "id");
        if ((mode == Mode.BUY || mode == Mode.DOWNLOAD) && id != null && !id.isBlank()) {
            return baseUrl + "/images/full/" + ProviderJson.encode(id) + ".jpg";
        }
        String url = mode == Mode.PREVIEW ? ProviderJson.text(image, "url") : ProviderJson.text(image, "urlFull");
        if (url == null || url.isBlank()) {
            url = ProviderJson.text(image, mode == Mode.PREVIEW ? "urlFull" : "url");
        }
        return url;
    }

    /** The purchase of one image ({@code buy}), or null when the result URL is downloaded as it is. */
    ProviderCall acquireCall(String url) {
        if (mode != Mode.BUY) {
            return null;
        }
        return new ProviderCall(AllImagesProvider.NAME, "POST", baseUrl + "/images/buy",
                ProviderJson.write(Map.of("id", imageId(url))), true, null);
    }

    /** The link of the configured size from the purchase's answer; a refused purchase is a delivery failure. */
    String readAcquired(int number, HttpReply reply) {
        if (!reply.isSuccess()) {
            String refusal = refusal(reply.status(), number);
            if (refusal != null) {
                throw new DeliveryException(refusal, true);
            }
            throw new DeliveryException("image " + number + " could not be bought: " + ProviderJson.httpReason(
                    "all-images.ai", reply, AllImagesProvider.errorMessage(ProviderJson.read(reply))), !reply.isTransient());
        }
        String link = ProviderJson.text(ProviderJson.read(reply), buySize.field);
        if (link == null || link.isBlank()) {
            throw new DeliveryException("image " + number + " was bought but all-images.ai's answer has no "
                    + buySize.field + " (imagegen.providers.all-images.buy-size=" + buySize.setting() + "): "
                    + reply.bodyExcerpt(), true);
        }
        return AllImagesProvider.repairUrl(link);
    }

    /** {@code download}: the paid route that answers the bytes; otherwise a plain GET of the URL. */
    ProviderCall downloadCall(String url, boolean ownOrigin) {
        if (mode == Mode.DOWNLOAD) {
            return new ProviderCall(AllImagesProvider.NAME, "POST", baseUrl + "/images/download",
                    ProviderJson.write(Map.of("id", imageId(url))), true, null);
        }
        return new ProviderCall(AllImagesProvider.NAME, "GET", url, null, ownOrigin, null);
    }

    /** How an image was got, as the manifest records it: preview, full, buy:&lt;size&gt; or download. */
    String acquisition(String url) {
        return switch (mode) {
            case BUY -> "buy:" + buySize.setting();
            case DOWNLOAD -> "download";
            default -> {
                Matcher m = url == null ? null : DISPLAY_URL.matcher(url);
                yield m != null && m.find() ? m.group(1) : mode.name().toLowerCase(Locale.ROOT);
            }
        };
    }

    /** Why an answer to a paid call must not be retried on its own (402: no credits left), or null. */
    String refusal(int status, int number) {
        if (status != 402 || (mode != Mode.BUY && mode != Mode.DOWNLOAD)) {
            return null;
        }
        return "all-images.ai answered 402 (no credits left) for image " + number + " (imagegen.providers.all-images.images="
                + mode.name().toLowerCase(Locale.ROOT) + "): add credits, then retry the delivery";
    }

    private static String imageId(String url) {
        Matcher m = url == null ? null : DISPLAY_URL.matcher(url);
        if (m == null || !m.find()) {
            throw new DeliveryException("cannot tell the all-images.ai image id from " + url
                    + " (expected .../images/full/<id>.jpg)", true);
        }
        return java.net.URLDecoder.decode(m.group(2), java.nio.charset.StandardCharsets.UTF_8);
    }
}
