package dev.gatehouse.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * One fetch from the origin that other requests for the same URL wait for (request coalescing), and the body it is
 * storing, readable while it arrives: waiters stream it to their clients as it comes, each at its own pace.
 *
 * <p>The leader (on its event loop) reports the head ({@link #streaming}), each body piece ({@link #append}) and
 * the end ({@link #finish}); or that the answer is not storable ({@link #release}: waiters then go to the origin on
 * their own); or that it broke off ({@link #fail}). Waiters are told through {@link Waiter} on whatever thread the
 * leader runs, and hop to their own event loop. The body buffer lives until the leader is done and every waiter has
 * let go of it. It is kept in fixed chunks that never move, so a slice a waiter is writing stays valid.
 */
final class InFlight {
    /** What a waiting request is told. Called on the leader's thread; implementations hop to their own loop. */
    interface Waiter {
        /** The answer is storable and its body starts coming: {@code head} has the status and fields. */
        void headReady(StoredResponse head);

        /** More of the body (or its end) can be read. */
        void dataReady();

        /** The answer will not be stored (or the waiter's Vary selection differs): go to the origin. */
        void released();

        /** The fetch broke off. */
        void failed();
    }

    enum State { PENDING, STREAMING, COMPLETE, RELEASED, FAILED }

    /** A piece of the body for one reader; {@code data} is the reader's to write or release; null when none yet. */
    record Piece(ByteBuf data, boolean end, boolean failed) {
    }

    /** Chunk size when the length is not known: chunks are never moved, so readers' slices stay valid. */
    private static final int CHUNK = 64 * 1024;

    final String url;
    private final int maxWaiters;
    private final long maxObject;
    private final Coalescer owner;
    private final List<Waiter> waiters = new ArrayList<>();
    private State state = State.PENDING;
    private StoredResponse head;
    private final List<ByteBuf> chunks = new ArrayList<>();
    private int chunkSize;
    private long expectedLength = -1;
    private long written;
    private int readers;
    private boolean leaderDone;

    InFlight(String url, int maxWaiters, long maxObject, Coalescer owner) {
        this.url = url;
        this.maxWaiters = maxWaiters;
        this.maxObject = maxObject;
        this.owner = owner;
    }

    /**
     * Adds a waiter; false when the fetch has no room for more or is past the point of sharing (released, failed,
     * complete: the stored response can be used instead). A waiter added while streaming is told at once.
     */
    boolean await(Waiter w) {
        StoredResponse ready;
        synchronized (this) {
            if (waiters.size() >= maxWaiters || state == State.RELEASED || state == State.FAILED
                    || state == State.COMPLETE) {
                return false;
            }
            waiters.add(w);
            readers++;
            ready = state == State.STREAMING ? head : null;
        }
        if (ready != null) {
            w.headReady(ready);
        }
        return true;
    }

    /** A waiter stops waiting or reading (done, timed out, client gone). */
    void leave(Waiter w) {
        synchronized (this) {
            if (!waiters.remove(w)) {
                return;
            }
            readers--;
        }
        freeIfUnused();
    }

    /** The leader has a storable answer; {@code head} carries its fields (its body is not used). */
    void streaming(StoredResponse head, long contentLength) {
        List<Waiter> told;
        synchronized (this) {
            if (state != State.PENDING) {
                return;
            }
            this.head = head;
            expectedLength = contentLength;
            chunkSize = contentLength > 0 ? (int) contentLength : CHUNK;
            state = State.STREAMING;
            told = List.copyOf(waiters);
        }
        told.forEach(w -> w.headReady(head));
    }

    /** Copies a piece of the body; false when the body outgrew the maximum (the fetch then fails for waiters). */
    boolean append(ByteBuf piece) {
        List<Waiter> told;
        synchronized (this) {
            if (state != State.STREAMING) {
                return false;
            }
            int n = piece.readableBytes();
            if (written + n > maxObject) {
                return false;
            }
            int from = piece.readerIndex();
            while (n > 0) {
                int inChunk = (int) (written % chunkSize);
                if (inChunk == 0 && written / chunkSize == chunks.size()) {
                    chunks.add(UnpooledByteBufAllocator.DEFAULT.directBuffer(chunkSize, chunkSize));
                }
                ByteBuf chunk = chunks.get((int) (written / chunkSize));
                int take = Math.min(n, chunkSize - inChunk);
                chunk.writeBytes(piece, from, take);
                from += take;
                n -= take;
                written += take;
            }
            told = List.copyOf(waiters);
        }
        told.forEach(Waiter::dataReady);
        return true;
    }

    /** The body is complete: the stored response, whose body the caller owns one reference of. */
    StoredResponse finish() {
        List<Waiter> told;
        StoredResponse done;
        synchronized (this) {
            if (state != State.STREAMING) {
                throw new IllegalStateException("finish in state " + state);
            }
            ByteBuf exact;
            if (chunks.size() == 1 && chunks.get(0).capacity() == written) {
                exact = chunks.get(0).retain();
            } else {
                exact = UnpooledByteBufAllocator.DEFAULT.directBuffer((int) written, (int) written);
                for (ByteBuf c : chunks) {
                    exact.writeBytes(c, 0, c.writerIndex());
                }
            }
            done = head.withBody(new Body.Memory(exact));
            state = State.COMPLETE;
            leaderDone = true;
            told = List.copyOf(waiters);
        }
        owner.done(this);
        told.forEach(Waiter::dataReady);
        freeIfUnused();
        return done;
    }

    /** The answer is not to be stored: every waiter goes to the origin on its own. */
    void release() {
        end(State.RELEASED);
    }

    /** The fetch broke off (or outgrew the maximum): waiters that started streaming are cut, the others go on. */
    void fail() {
        end(State.FAILED);
    }

    private void end(State to) {
        List<Waiter> told;
        State was;
        synchronized (this) {
            if (state == State.COMPLETE || state == State.RELEASED || state == State.FAILED) {
                return;
            }
            was = state;
            state = to;
            leaderDone = true;
            told = List.copyOf(waiters);
        }
        owner.done(this);
        for (Waiter w : told) {
            if (to == State.RELEASED || was == State.PENDING) {
                w.released();
            } else {
                w.failed();
            }
        }
        freeIfUnused();
    }

    /** The body bytes from {@code position} on that have arrived (at most {@code max}), and whether that is all. */
    Piece read(long position, int max) {
        synchronized (this) {
            if (state == State.FAILED) {
                return new Piece(null, true, true);
            }
            long available = written - position;
            ByteBuf data = null;
            if (available > 0 && !chunks.isEmpty()) {
                ByteBuf chunk = chunks.get((int) (position / chunkSize));
                int at = (int) (position % chunkSize);
                data = chunk.retainedSlice(at, (int) Math.min(Math.min(available, max), chunk.writerIndex() - at));
            }
            boolean end = state == State.COMPLETE && position + (data == null ? 0 : data.readableBytes()) >= written;
            return new Piece(data, end, false);
        }
    }

    /** The body's announced length, -1 when unknown (or before the head). */
    synchronized long expectedLength() {
        return expectedLength;
    }

    synchronized State state() {
        return state;
    }

    synchronized int waiting() {
        return waiters.size();
    }

    private void freeIfUnused() {
        List<ByteBuf> free = null;
        synchronized (this) {
            if (leaderDone && readers == 0 && !chunks.isEmpty()) {
                free = List.copyOf(chunks);
                chunks.clear();
            }
        }
        if (free != null) {
            free.forEach(ByteBuf::release);
        }
    }
}
