package dev.gatehouse.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds obs-fold (RFC 9112 section 5.2): a header line that starts with a space or tab. Netty would join it to
 * the previous header's value, so a folded {@code Transfer-Encoding} could hide from Gatehouse and not from the
 * next hop; such a message is refused instead (a request by the server codec, a response by the upstream codec).
 * Sees each byte of a message head once, before the decoder does; the body is not scanned.
 */
public final class FoldScanner {
    private enum State { BEFORE_START_LINE, IN_LINE, LINE_START, BLANK_LINE_CR, HEAD_DONE }

    private State state = State.BEFORE_START_LINE;
    /** Bytes after the buffer's reader index that were scanned already. */
    private int scanned;

    public boolean foundIn(ByteBuf buffer) {
        int end = buffer.writerIndex();
        int i = buffer.readerIndex() + scanned;
        while (i < end && state != State.HEAD_DONE) {
            if (state == State.IN_LINE) {
                // Jump to the line's end: the search is vectorized, a byte-by-byte walk is not.
                int lf = buffer.indexOf(i, end, (byte) '\n');
                if (lf < 0) {
                    i = end;
                    break;
                }
                i = lf + 1;
                state = State.LINE_START;
                continue;
            }
            char c = (char) (buffer.getByte(i) & 0xff);
            switch (state) {
                case BEFORE_START_LINE -> {
                    // Netty skips control characters and whitespace before the start line.
                    if (!Character.isISOControl(c) && !Character.isWhitespace(c)) {
                        state = State.IN_LINE;
                    }
                }
                case LINE_START -> {
                    if (c == ' ' || c == '\t') {
                        return true;
                    }
                    state = c == '\r' ? State.BLANK_LINE_CR : c == '\n' ? State.HEAD_DONE : State.IN_LINE;
                }
                case BLANK_LINE_CR -> state = c == '\n' ? State.HEAD_DONE : State.IN_LINE;
                default -> throw new IllegalStateException(state.name());
            }
            i++;
        }
        scanned = i - buffer.readerIndex();
        return false;
    }

    /** The decoder took {@code bytes} from the front of the buffer. */
    public void consumed(int bytes) {
        scanned = Math.max(0, scanned - bytes);
    }

    /** The message ended (its last content was decoded): the next bytes are a new head. */
    public void nextMessage() {
        state = State.BEFORE_START_LINE;
        scanned = 0;
    }
}
