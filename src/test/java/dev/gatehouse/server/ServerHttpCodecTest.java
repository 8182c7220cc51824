package dev.gatehouse.server;

import dev.gatehouse.config.Limits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder's own checks (obs-fold, version spelling), fed in every split a network could produce. */
class ServerHttpCodecTest {

    /** Decodes {@code bytes} fed {@code step} bytes at a time; returns "HEAD uri", "BAD reason", "BODY n", "END". */
    private static List<String> decode(String bytes, int step) {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerHttpCodec(HttpInitializer.decoderConfig(Limits.DEFAULTS)));
        byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
        List<String> seen = new ArrayList<>();
        try {
            for (int i = 0; i < raw.length; i += step) {
                ch.writeInbound(Unpooled.wrappedBuffer(raw, i, Math.min(step, raw.length - i)));
                Object msg;
                while ((msg = ch.readInbound()) != null) {
                    try {
                        if (msg instanceof HttpRequest r) {
                            seen.add(r.decoderResult().isFailure() ? "BAD " + r.decoderResult().cause().getMessage()
                                    : "HEAD " + r.uri());
                            if (r.decoderResult().isFailure()) {
                                continue;
                            }
                        }
                        if (msg instanceof HttpContent c && c.content().isReadable()) {
                            seen.add("BODY " + c.content().readableBytes());
                        }
                        if (msg instanceof LastHttpContent) {
                            seen.add("END");
                        }
                    } finally {
                        ReferenceCountUtil.release(msg);
                    }
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return seen;
    }

    @ParameterizedTest(name = "fed {0} bytes at a time")
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void foldedHeaderLineIsRefusedHoweverTheBytesArrive(int step) {
        List<String> seen = decode("GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n", step);

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).startsWith("BAD ").contains("obs-fold");
    }

    @ParameterizedTest(name = "fed {0} bytes at a time")
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void bodiesAreNotScannedForFolds(int step) {
        String body = "a\r\n b\r\n\tc\r\n";
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        List<String> seen = decode("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body
                + "POST /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
                + "\r\n\r\nGET /three HTTP/1.1\r\nHost: x\r\n\r\n", step);

        assertThat(seen).filteredOn(s -> !s.startsWith("BODY"))
                .containsExactly("HEAD /one", "END", "HEAD /two", "END", "HEAD /three", "END");
    }

    @Test
    void whitespaceBeforeTheRequestLineIsSkippedNotRefused() {
        assertThat(decode("\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n", 1)).containsExactly("HEAD /a", "END");
    }

    @Test
    void whitespaceLineRightAfterTheRequestLineIsRefused() {
        assertThat(decode("GET /a HTTP/1.1\r\n Host: x\r\n\r\n", 1000)).singleElement().asString().startsWith("BAD ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "HTTP/1.10", "HTTP/01.1", "HTTPS/1.1", "HTTP/1", "HTTP/a.b"})
    void versionsNotSpeltHttpDigitDotDigitAreGarbage(String version) {
        assertThat(decode("GET / " + version + "\r\nHost: x\r\n\r\n", 1000)).singleElement().asString()
                .startsWith("BAD ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/0.9"})
    void wellFormedVersionsDecode(String version) {
        assertThat(decode("GET / " + version + "\r\nHost: x\r\n\r\n", 1000)).containsExactly("HEAD /", "END");
    }
}
