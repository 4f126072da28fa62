package org.imagegen.delivery;

import java.util.Arrays;

/** Image formats recognised by their first bytes, whatever the Content-Type header claims. */
public enum ImageType {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp");

    public static final int HEADER_BYTES = 12;

    private final String extension;
    private final String contentType;

    ImageType(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The type the header bytes announce, or null when they are no image this bundle delivers. */
    public static ImageType sniff(byte[] header, int length) {
        byte[] h = Arrays.copyOf(header, Math.max(length, 0));
        if (starts(h, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (starts(h, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (starts(h, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (h.length >= 12 && starts(h, 'R', 'I', 'F', 'F') && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') {
            return WEBP;
        }
        return null;
    }

    private static boolean starts(byte[] h, int... expected) {
        if (h.length < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((h[i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
