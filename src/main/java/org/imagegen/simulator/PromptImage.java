package org.imagegen.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Draws the simulators' images: a coloured background and the prompt in large letters, so a person looking at the
 * outbox sees which request each image answers. Uses its own 5x7 bitmap font, because a headless JDK on a server
 * often has no fonts installed at all.
 */
public final class PromptImage {

    private static final int SCALE = 3;
    private static final int GLYPH_W = 5;
    private static final int GLYPH_H = 7;
    private static final int CELL_W = (GLYPH_W + 1) * SCALE;
    private static final int CELL_H = (GLYPH_H + 3) * SCALE;
    private static final int MARGIN = 16;
    private static final Map<Character, String> FONT = font();

    private PromptImage() {
    }

    /** PNG or JPEG ({@code format} "png" or "jpg") bytes of an image carrying {@code text}. */
    public static byte[] render(String text, int width, int height, long seed, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int hue = (int) Math.floorMod(seed * 2654435761L, 360L);
        for (int y = 0; y < height; y++) {
            int shade = java.awt.Color.HSBtoRGB(hue / 360f, 0.55f, 0.35f + 0.35f * y / height);
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, shade);
            }
        }
        int columns = Math.max(1, (width - 2 * MARGIN) / CELL_W);
        int rows = Math.max(1, (height - 2 * MARGIN) / CELL_H);
        List<String> lines = wrap(text == null ? "" : text.toUpperCase(Locale.ROOT), columns, rows);
        for (int row = 0; row < lines.size(); row++) {
            String line = lines.get(row);
            for (int col = 0; col < line.length(); col++) {
                drawGlyph(image, line.charAt(col), MARGIN + col * CELL_W, MARGIN + row * CELL_H);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, out)) {
                throw new IllegalArgumentException("no image writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> wrap(String text, int columns, int rows) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            while (word.length() > columns) {
                if (!line.isEmpty()) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, columns));
                word = word.substring(columns);
            }
            if (line.length() + word.length() + (line.isEmpty() ? 0 : 1) > columns) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        if (lines.size() > rows) {
            List<String> cut = new ArrayList<>(lines.subList(0, rows));
            String last = cut.get(rows - 1);
            cut.set(rows - 1, last.substring(0, Math.max(0, Math.min(last.length(), columns - 3))) + "...");
            return cut;
        }
        return lines;
    }

    private static void drawGlyph(BufferedImage image, char c, int left, int top) {
        String bits = FONT.getOrDefault(c, FONT.get('?'));
        for (int gy = 0; gy < GLYPH_H; gy++) {
            for (int gx = 0; gx < GLYPH_W; gx++) {
                if (bits.charAt(gy * GLYPH_W + gx) == '#') {
                    for (int dy = 0; dy < SCALE; dy++) {
                        for (int dx = 0; dx < SCALE; dx++) {
                            int x = left + gx * SCALE + dx;
                            int y = top + gy * SCALE + dy;
                            if (x < image.getWidth() && y < image.getHeight()) {
                                image.setRGB(x, y, 0xFFFFFF);
                            }
                        }
                    }
                }
            }
        }
    }

    private static Map<Character, String> font() {
        String[] table = {
            "A .###. #...# #...# ##### #...# #...# #...#",
            "B ####. #...# #...# ####. #...# #...# ####.",
            "C .###. #...# #.... #.... #.... #...# .###.",
            "D ####. #...# #...# #...# #...# #...# ####.",
            "E ##### #.... #.... ####. #.... #.... #####",
            "F ##### #.... #.... ####. #.... #.... #....",
            "G .###. #...# #.... #.### #...# #...# .####",
            "H #...# #...# #...# ##### #...# #...# #...#",
            "I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            "J ..### ...#. ...#. ...#. ...#. #..#. .##..",
            "K #...# #..#. #.#.. ##... #.#.. #..#. #...#",
            "L #.... #.... #.... #.... #.... #.... #####",
            "M #...# ##.## #.#.# #.#.# #...# #...# #...#",
            "N #...# #...# ##..# #.#.# #..## #...# #...#",
            "O .###. #...# #...# #...# #...# #...# .###.",
            "P ####. #...# #...# ####. #.... #.... #....",
            "Q .###. #...# #...# #...# #.#.# #..#. .##.#",
            "R ####. #...# #...# ####. #.#.. #..#. #...#",
            "S .#### #.... #.... .###. ....# ....# ####.",
            "T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            "U #...# #...# #...# #...# #...# #...# .###.",
            "V #...# #...# #...# #...# #...# .#.#. ..#..",
            "W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
            "X #...# #...# .#.#. ..#.. .#.#. #...# #...#",
            "Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
            "Z ##### ....# ...#. ..#.. .#... #.... #####",
            "0 .###. #...# #..## #.#.# ##..# #...# .###.",
            "1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
            "2 .###. #...# ....# ...#. ..#.. .#... #####",
            "3 ####. ....# ....# .###. ....# ....# ####.",
            "4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.",
            "5 ##### #.... ####. ....# ....# #...# .###.",
            "6 ..##. .#... #.... ####. #...# #...# .###.",
            "7 ##### ....# ...#. ..#.. .#... .#... .#...",
            "8 .###. #...# #...# .###. #...# #...# .###.",
            "9 .###. #...# #...# .#### ....# ...#. .##..",
            ". ..... ..... ..... ..... ..... .##.. .##..",
            ", ..... ..... ..... ..... .##.. ..#.. .#...",
            "- ..... ..... ..... ##### ..... ..... .....",
            "! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
            "? .###. #...# ....# ...#. ..#.. ..... ..#..",
            ": ..... .##.. .##.. ..... .##.. .##.. .....",
            "' ..#.. ..#.. .#... ..... ..... ..... .....",
            "/ ....# ....# ...#. ..#.. .#... #.... #....",
            "( ...#. ..#.. .#... .#... .#... ..#.. ...#.",
            ") .#... ..#.. ...#. ...#. ...#. ..#.. .#...",
            "+ ..... ..#.. ..#.. ##### ..#.. ..#.. .....",
            "& .##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
            "= ..... ..... ##### ..... ##### ..... .....",
            "_ ..... ..... ..... ..... ..... ..... #####",
            "# .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
            "\" .#.#. .#.#. ..... ..... ..... ..... .....",
        };
        Map<Character, String> font = new HashMap<>();
        for (String entry : table) {
            font.put(entry.charAt(0), entry.substring(2).replace(" ", ""));
        }
        font.put(' ', ".".repeat(GLYPH_W * GLYPH_H));
        return font;
    }
}
