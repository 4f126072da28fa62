package org.imagegen.console;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Small previews for the jobs page, so a page of jobs does not download every full-size image. */
public final class Thumbnails {

    private Thumbnails() {
    }

    /** A thumbnail: the content type and bytes of a JPEG at most {@code size} pixels wide and high. */
    public record Thumbnail(String contentType, byte[] bytes) {
    }

    /**
     * Scales the image down with the JDK's ImageIO; a format it cannot read (WebP) is returned as it is, so the browser
     * scales it instead.
     */
    public static Thumbnail of(Path image, int size, String originalType) throws IOException {
        BufferedImage source = ImageIO.read(image.toFile());
        if (source == null) {
            return new Thumbnail(originalType, Files.readAllBytes(image));
        }
        double scale = Math.min(1.0, (double) size / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(scaled, "jpg", out);
        return new Thumbnail("image/jpeg", out.toByteArray());
    }
}
