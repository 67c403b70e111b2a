package io.edgecollector.collector.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: malformed or unmappable bytes are an error, never replaced. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Whether every byte is a printable ASCII character, a tab, CR or LF: such bytes are the same
     * text in UTF-8 and contain no zero byte (by which a JSON parser would guess UTF-16 or UTF-32).
     */
    public static boolean isPlainAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                return false; // negative (non-ASCII) bytes are below 0x20 as signed bytes too
            }
        }
        return true;
    }

    /** The text, or null when the bytes are not valid UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
