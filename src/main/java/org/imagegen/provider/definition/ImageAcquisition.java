package org.imagegen.provider.definition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.imagegen.delivery.DeliveryException;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.list;
import static org.imagegen.provider.definition.DefinitionValues.method;

/**
 * How a defined provider's images are got when a plain GET of the listed URL is not the whole story: the operator
 * chooses a rendition ({@code imageMode}, one of {@code imageModes}) and a size ({@code imageSize}); some modes
 * first <em>acquire</em> each image with a call of their own that answers the link to download ({@code acquireModes},
 * {@code acquirePath}, {@code acquireBody}, {@code acquireUrl}: a paid purchase), others download it
 * through a call of their own that answers the bytes ({@code downloadModes}, {@code downloadPath},
 * {@code downloadBody}: a paid download). {@code acquireRefusal} names the error answers of those
 * calls that fail the delivery for good (402: no credits; a person's retry of the delivery may clear it), and
 * {@code imageAcquired} what the manifest records per image. The jq expressions see the mode and size as
 * {@code $imageMode} and {@code $imageSize}, as statusOutcome does.
 */
final class ImageAcquisition {

    private final String provider;
    private final ProviderUrls urls;
    private final String mode;
    private final boolean acquires;
    private final boolean downloadsByCall;
    private final String acquirePath;
    private final String acquireMethod;
    private final Jq acquireBody;
    private final Jq acquireUrl;
    private final String downloadPath;
    private final String downloadMethod;
    private final Jq downloadBody;
    private final Jq refusal;
    private final Jq acquired;
    private final Function<HttpReply, String> errorMessage;

    ImageAcquisition(String provider, ImageProperties d, ProviderUrls urls, Map<String, JsonNode> settings,
                     Function<HttpReply, String> errorMessage) {
        this.provider = provider;
        this.urls = urls;
        this.errorMessage = errorMessage;
        this.mode = choice(d.getImageMode(), d.getImageModes(), "imageMode", "imageModes");
        choice(d.getImageSize(), d.getImageSizes(), "imageSize", "imageSizes");
        List<String> modes = list(d.getImageModes());
        for (String property : List.of("acquireModes", "downloadModes")) {
            for (String m : list(property.equals("acquireModes") ? d.getAcquireModes() : d.getDownloadModes())) {
                if (!modes.contains(m)) {
                    throw new IllegalArgumentException(property + ": '" + m + "' is not one of imageModes " + modes);
                }
            }
        }
        acquires = mode != null && list(d.getAcquireModes()).contains(mode);
        downloadsByCall = mode != null && list(d.getDownloadModes()).contains(mode);
        acquirePath = list(d.getAcquireModes()).isEmpty() ? null : DefinitionValues.required(d.getAcquirePath(), "acquirePath").strip();
        acquireMethod = method(d.getAcquireMethod(), "POST");
        acquireBody = Jq.bound(Jq.compile("acquireBody", d.getAcquireBody()), settings);
        acquireUrl = Jq.bound(Jq.compile("acquireUrl", list(d.getAcquireModes()).isEmpty() ? d.getAcquireUrl()
                : DefinitionValues.required(d.getAcquireUrl(), "acquireUrl")), settings);
        downloadPath = list(d.getDownloadModes()).isEmpty() ? null : DefinitionValues.required(d.getDownloadPath(), "downloadPath").strip();
        downloadMethod = method(d.getDownloadMethod(), "POST");
        downloadBody = Jq.bound(Jq.compile("downloadBody", d.getDownloadBody()), settings);
        refusal = Jq.bound(Jq.compile("acquireRefusal", d.getAcquireRefusal()), settings);
        acquired = Jq.bound(Jq.compile("imageAcquired", d.getImageAcquired()), settings);
    }

    /** A setting that must be one of a declared list; null when blank. */
    private static String choice(String value, String allowed, String property, String listProperty) {
        if (blank(value)) {
            return null;
        }
        List<String> words = list(allowed);
        if (words.isEmpty()) {
            throw new IllegalArgumentException(listProperty + ": required with " + property);
        }
        if (!words.contains(value.strip())) {
            throw new IllegalArgumentException(property + ": '" + value.strip() + "' is not one of " + words);
        }
        return value.strip();
    }

    /** The variables every answer-reading expression of the definition sees: {@code $imageMode}, {@code $imageSize}. */
    static Map<String, JsonNode> variables(ImageProperties d) {
        Map<String, JsonNode> vars = new HashMap<>();
        vars.put("imageMode", blank(d.getImageMode()) ? NullNode.getInstance() : TextNode.valueOf(d.getImageMode().strip()));
        vars.put("imageSize", blank(d.getImageSize()) ? NullNode.getInstance() : TextNode.valueOf(d.getImageSize().strip()));
        return vars;
    }

    /** The call that acquires image {@code number} (from 1) before it is downloaded, or null when the mode does not. */
    ProviderCall acquireCall(String url, int number) {
        if (!acquires) {
            return null;
        }
        return urls.call(acquireMethod, urls.url(acquirePath), body(acquireBody, url, number), null);
    }

    /** The URL to download, read from the acquiring call's answer; a refusal fails the delivery. */
    String readAcquired(int number, HttpReply reply) {
        if (!reply.isSuccess()) {
            String refused = refusal(reply, number);
            if (refused != null) {
                throw new DeliveryException(refused, true);
            }
            throw new DeliveryException("image " + number + " could not be acquired: " + provider + " answered HTTP "
                    + reply.status() + ": " + errorMessage.apply(reply), !reply.isTransient());
        }
        try {
            String link = acquireUrl.text(Jq.body(reply), vars(reply, number));
            if (link != null && !link.isBlank()) {
                return link.strip();
            }
            throw new DeliveryException("image " + number + " was acquired but " + provider + "'s answer gives no URL"
                    + " to download (acquireUrl): " + reply.bodyExcerpt(), true);
        } catch (IllegalStateException e) {
            throw new DeliveryException("image " + number + " was acquired but " + provider + "'s answer could not be"
                    + " read: " + e.getMessage(), true);
        }
    }

    /** The download of image {@code number}: the mode's own call, or null for a plain GET of the URL. */
    ProviderCall downloadCall(String url, int number) {
        if (!downloadsByCall) {
            return null;
        }
        return urls.call(downloadMethod, urls.url(downloadPath), body(downloadBody, url, number), null);
    }

    /** Why an answer {@code status} to a paid call (acquire, or the mode's download call) fails for good, or null. */
    String downloadRefusal(int status, int number) {
        if (!(acquires || downloadsByCall) || refusal == null) {
            return null;
        }
        return refusal(new HttpReply(status, null, null, null), number);
    }

    /** How an image was got, as the manifest records it: imageAcquired's text, else {@code url}. */
    String acquisition(String url) {
        if (acquired == null) {
            return "url";
        }
        try {
            String text = acquired.text(url == null ? NullNode.getInstance() : TextNode.valueOf(url), Map.of());
            return text == null ? "url" : text;
        } catch (IllegalStateException e) {
            return "url";
        }
    }

    private String refusal(HttpReply reply, int number) {
        if (refusal == null) {
            return null;
        }
        try {
            return refusal.text(Jq.body(reply), vars(reply, number));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static Map<String, JsonNode> vars(HttpReply reply, int number) {
        Map<String, JsonNode> vars = new HashMap<>(Jq.answer(reply));
        vars.put("number", IntNode.valueOf(number));
        return vars;
    }

    private String body(Jq expression, String url, int number) {
        if (expression == null) {
            return null;
        }
        JsonNode body;
        try {
            body = expression.first(TextNode.valueOf(url), Map.of("number", IntNode.valueOf(number)));
        } catch (IllegalStateException e) {
            throw new DeliveryException("image " + number + " of " + provider + ": " + e.getMessage(), true);
        }
        return Jq.write(body);
    }
}
