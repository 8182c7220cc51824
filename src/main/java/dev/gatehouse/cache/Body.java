package dev.gatehouse.cache;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stored body of a response: bytes in direct memory, or a region of a file of the disk tier.
 * Memory bodies are reference counted: every holder of a {@link StoredResponse} list keeps one reference.
 */
public sealed interface Body permits Body.Memory, Body.File {

    long length();

    /** Takes one more reference (memory) for a new holder; false when the body was freed meanwhile. */
    boolean retain();

    /** Gives one reference back. */
    void release();

    /** Bytes in direct memory; {@code content} holds exactly the body. */
    record Memory(ByteBuf content) implements Body {
        @Override
        public long length() {
            return content.readableBytes();
        }

        @Override
        public boolean retain() {
            try {
                content.retain();
                return true;
            } catch (IllegalReferenceCountException e) {
                return false; // evicted and freed between lookup and use: the caller treats it as a miss
            }
        }

        @Override
        public void release() {
            content.release();
        }

        /** A reader's own view of the bytes (released by whoever writes it), or empty when already freed. */
        public Optional<ByteBuf> readable() {
            try {
                return Optional.of(content.retainedDuplicate());
            } catch (IllegalReferenceCountException e) {
                return Optional.empty();
            }
        }
    }

    /** {@code length} bytes at {@code offset} of {@code path}; the disk tier deletes the file on eviction. */
    record File(Path path, long offset, long length) implements Body {
        @Override
        public boolean retain() {
            return true;
        }

        @Override
        public void release() {
        }
    }
}
