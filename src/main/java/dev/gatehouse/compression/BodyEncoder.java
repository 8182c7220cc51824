package dev.gatehouse.compression;

import io.netty.buffer.ByteBuf;

/**
 * One response body's encoder: takes the body piece by piece and returns the encoded bytes produced so far (possibly
 * none: encoders keep a window and emit whole blocks). Its memory is bounded by the coding's window and block sizes,
 * whatever the body's length. Confined to one event loop; {@link #close} must be called however the body ends.
 */
interface BodyEncoder {
    /** Encodes {@code in}, which stays the caller's (not released); returns what is ready to send (owned by the caller). */
    ByteBuf encode(ByteBuf in);

    /** Everything taken so far, decodable now: for a producer that flushed (a stream the client reads as it comes). */
    ByteBuf flush();

    /** The end of the coded body; the encoder is closed after. */
    ByteBuf finish();

    /** Releases the encoder's state (native memory included); safe to call more than once. */
    void close();
}
