package org.imagegen.request;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Bytes read strictly as UTF-8, in one pass: the text, or why the bytes are not UTF-8 (the first byte that cannot be
 * decoded, its position and line). Every entry point that receives bytes (a file, an HTTP body, a bytes message)
 * reads them this way, so none turns a bad byte into a replacement character inside a prompt.
 */
public record Utf8Text(String text, String problem) {

    public static Utf8Text decode(byte[] content) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(in.remaining());
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            decoder.flush(out);
            return new Utf8Text(out.flip().toString(), null);
        }
        int at = in.position();
        int line = 1;
        for (int i = 0; i < at; i++) {
            line += content[i] == '\n' ? 1 : 0;
        }
        return new Utf8Text(null, "not valid UTF-8: byte " + (at + 1) + " (line " + line + ", 0x"
                + HexFormat.of().toHexDigits(content[at]) + ") cannot be decoded; save the file as UTF-8");
    }
}
