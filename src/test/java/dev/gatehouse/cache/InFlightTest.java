package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Request coalescing: one leader, bounded waiters, the body readable while it arrives. */
class InFlightTest {

    /** Records what it is told. */
    static final class Recorder implements InFlight.Waiter {
        final List<String> events = new ArrayList<>();

        @Override
        public void headReady(StoredResponse head) {
            events.add("head");
        }

        @Override
        public void dataReady() {
            events.add("data");
        }

        @Override
        public void released() {
            events.add("released");
        }

        @Override
        public void failed() {
            events.add("failed");
        }
    }

    private static StoredResponse head() {
        return StoredResponse.of("a.test", "http://a.test/", 200, "OK", of("Cache-Control", "max-age=60"),
                VaryKey.NONE, 0, 0, CacheRule.DEFAULTS, new Body.Memory(Unpooled.EMPTY_BUFFER));
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    @DisplayName("the first request leads, the next ones wait, up to the bound")
    void joining() {
        Coalescer c = new Coalescer();
        Coalescer.Joined first = c.join("u", 1, 1000);
        Coalescer.Joined second = c.join("u", 1, 1000);
        assertThat(first.leader()).isTrue();
        assertThat(second.leader()).isFalse();
        assertThat(second.fetch()).isSameAs(first.fetch());
        assertThat(first.fetch().await(new Recorder())).isTrue();
        assertThat(first.fetch().await(new Recorder())).isFalse();
        first.fetch().release();
        assertThat(c.size()).isZero();
        assertThat(c.join("u", 1, 1000).leader()).isTrue();
    }

    @Test
    @DisplayName("waiters read the body while it arrives, across chunk boundaries, and the buffer is freed after")
    void streaming() {
        Coalescer c = new Coalescer();
        InFlight f = c.join("u", 10, 1 << 20).fetch();
        Recorder early = new Recorder();
        assertThat(f.await(early)).isTrue();
        f.streaming(head(), -1);
        ByteBuf big = Unpooled.wrappedBuffer(new byte[70_000]);
        assertThat(f.append(big)).isTrue();
        big.release();
        ByteBuf tail = Unpooled.copiedBuffer("end", StandardCharsets.UTF_8);
        f.append(tail);
        tail.release();
        Recorder late = new Recorder();
        assertThat(f.await(late)).isTrue();
        assertThat(late.events).containsExactly("head");
        InFlight.Piece p1 = f.read(0, 1 << 20);
        assertThat(p1.data().readableBytes()).isEqualTo(64 * 1024);
        p1.data().release();
        InFlight.Piece p2 = f.read(64 * 1024, 1 << 20);
        assertThat(p2.data().readableBytes()).isEqualTo(70_000 - 64 * 1024 + 3);
        assertThat(p2.end()).isFalse();
        p2.data().release();
        StoredResponse done = f.finish();
        assertThat(done.body.length()).isEqualTo(70_003);
        InFlight.Piece last = f.read(70_000, 100);
        assertThat(text(last.data())).isEqualTo("end");
        assertThat(last.end()).isTrue();
        assertThat(early.events).startsWith("head", "data", "data").endsWith("data");
        f.leave(early);
        f.leave(late);
        assertThat(f.read(0, 10).data()).isNull();
        done.body.release();
        assertThat(c.size()).isZero();
    }

    @Test
    @DisplayName("a non-storable answer releases waiters; a broken fetch fails those already streaming")
    void endings() {
        InFlight f = new Coalescer().join("u", 10, 100).fetch();
        Recorder r = new Recorder();
        f.await(r);
        f.release();
        assertThat(r.events).containsExactly("released");
        InFlight g = new Coalescer().join("v", 10, 100).fetch();
        Recorder s = new Recorder();
        g.await(s);
        g.streaming(head(), 10);
        ByteBuf tooMuch = Unpooled.wrappedBuffer(new byte[101]);
        assertThat(g.append(tooMuch)).isFalse();
        tooMuch.release();
        g.fail();
        assertThat(s.events).containsExactly("head", "failed");
        assertThat(g.read(0, 10).failed()).isTrue();
        g.leave(s);
    }
}
