package io.netfence.agent.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The text of a policy source (a policy file, an {@code apply} body, a rules file) before it is
 * parsed: strict UTF-8, no control characters, no line over {@link PolicyLimits#MAX_LINE_CHARS}.
 * Each problem is reported as {@code SOURCE:LINE:COLUMN}.
 */
public final class PolicyText {
    private PolicyText() {}

    /** The bytes as text, or the reason they are not acceptable policy text. */
    static Text decode(String source, byte[] bytes) {
        if (bytes.length > PolicyLimits.MAX_FILE_BYTES) {
            return Text.refused(source + ": " + bytes.length + " bytes; the limit is " + PolicyLimits.MAX_FILE_BYTES + " bytes per policy file");
        }
        return decode(source, 1, bytes);
    }

    /** One line of a line-based source, LINE its number there; no size check (the caller has one). */
    public static Text decodeLine(String source, int line, byte[] bytes) {
        return decode(source, line, bytes);
    }

    private static Text decode(String source, int firstLine, byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Text.refused(source + ":" + firstBadUtf8(bytes, firstLine) + ": not UTF-8 (policy sources must be UTF-8 text)");
        }
        return check(source, text, firstLine).map(Text::refused).orElseGet(() -> new Text(text, null));
    }

    /** Where the text breaks a rule that comes before YAML, if it does. */
    static Optional<String> check(String source, String text) {
        return check(source, text, 1);
    }

    private static Optional<String> check(String source, String text, int firstLine) {
        int line = firstLine;
        int column = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                column = 1;
                continue;
            }
            if (column > PolicyLimits.MAX_LINE_CHARS) {
                return Optional.of(source + ":" + line + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
            }
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || (c == '\ufeff' && i > 0)) {
                return Optional.of(source + ":" + line + ":" + column + ": control character U+" + String.format("%04X", (int) c) + " is not allowed");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)))) {
                return Optional.of(source + ":" + line + ":" + column + ": not UTF-8 text (an unpaired surrogate)");
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
            column++;
        }
        return Optional.empty();
    }

    /** LINE:COLUMN (in bytes) of the first byte that does not start or continue a UTF-8 sequence. */
    private static String firstBadUtf8(byte[] bytes, int firstLine) {
        int line = firstLine;
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            int length = sequenceLength(bytes[i]);
            if (length == 0 || i + length > bytes.length) {
                return line + ":" + (i - lineStart + 1);
            }
            try {
                utf8.decode(ByteBuffer.wrap(bytes, i, length));
            } catch (CharacterCodingException e) {
                return line + ":" + (i - lineStart + 1);
            }
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
            i += length - 1;
        }
        return line + ":1";
    }

    private static int sequenceLength(byte first) {
        int b = first & 0xff;
        if (b < 0x80) {
            return 1;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            return 2;
        }
        if (b >= 0xe0 && b <= 0xef) {
            return 3;
        }
        if (b >= 0xf0 && b <= 0xf4) {
            return 4;
        }
        return 0;
    }

    /** Decoded text, or the one-line reason it was refused. */
    public record Text(String text, String refusal) {
        static Text refused(String reason) {
            return new Text(null, reason);
        }

        public boolean ok() {
            return refusal == null;
        }
    }
}
