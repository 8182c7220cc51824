package dev.gatehouse.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A config file's bytes as text: strict UTF-8, and a byte that is not UTF-8 reported at its line and column. */
final class Utf8Text {
    private Utf8Text() {
    }

    static String decode(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            // The decoder stops at the bad byte: everything before it was text, which gives line and column.
            int bad = in.position();
            String before = out.flip().toString();
            int lineStart = before.lastIndexOf('\n') + 1;
            int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
            int column = before.codePointCount(lineStart, before.length()) + 1;
            throw new ConfigException(List.of(new ConfigError(file, line, column, String.format(
                    "invalid UTF-8: byte 0x%02X (expected: the config file in UTF-8; was it saved as Latin-1 or "
                            + "Windows-1252?)", bytes[bad] & 0xff), Optional.empty())));
        }
        return out.flip().toString();
    }
}
