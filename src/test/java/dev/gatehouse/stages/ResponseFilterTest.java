package dev.gatehouse.stages;

import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Stages passing on, answering and wrapping the response, on real HTTP/1.1 bytes. */
class ResponseFilterTest {
    private static final String GET = "GET /page HTTP/1.1\r\nHost: a.test\r\n\r\n";

    @Test
    void aStagePassesOnAfterChangingTheRequestHead() {
        Stage addHeader = (exchange, next) -> {
            exchange.request().headers().set("x-stage", "seen");
            return next.begin(exchange);
        };
        try (StageHarness h = StageHarness.of(addHeader)) {
            StageHarness.Result r = h.send(GET);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
            assertThat(r.actionSaw().headers().get("x-stage")).isEqualTo("seen");
        }
    }

    @Test
    void aStageThatAnswersStopsTheChain() {
        Stage deny = (exchange, next) -> {
            exchange.respondText(HttpResponseStatus.FORBIDDEN, "403 Forbidden: not you");
            return RequestFlow.DISCARD_BODY;
        };
        Stage never = (exchange, next) -> {
            throw new AssertionError("the chain went on after an answer");
        };
        try (StageHarness h = StageHarness.of(deny, never)) {
            StageHarness.Result r = h.send(GET);

            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("403 Forbidden: not you\n");
            assertThat(r.actionSaw()).isNull();
        }
    }

    @Test
    void aFilterSeesAWholeResponseAsHeadAndLastContent() {
        List<String> seen = new ArrayList<>();
        Stage tagging = wrapping(() -> new ResponseFilter() {
            @Override
            public void head(HttpResponse head, ResponseOutput out) {
                seen.add("head " + head.status().code() + (head instanceof FullHttpResponse ? " full" : ""));
                head.headers().set("x-filtered", "yes");
                out.write(head);
            }

            @Override
            public void content(HttpContent content, ResponseOutput out) {
                seen.add((content instanceof LastHttpContent ? "last " : "piece ") + text(content.content()));
                out.write(content);
            }
        });
        try (StageHarness h = StageHarness.of(tagging).action(StageHarness.respond(201, "made"))) {
            StageHarness.Result r = h.send(GET);

            assertThat(seen).containsExactly("head 201", "last made");
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.headers().get("x-filtered")).isEqualTo("yes");
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("4");
            assertThat(r.body()).isEqualTo("made");
        }
    }

    @Test
    void aFilterTransformsAStreamedBodyPieceByPiece() {
        Stage upper = wrapping(() -> new ResponseFilter() {
            @Override
            public void content(HttpContent content, ResponseOutput out) {
                String text = text(content.content());
                ByteBuf upper = Unpooled.copiedBuffer(text.toUpperCase(Locale.ROOT) + text, StandardCharsets.UTF_8);
                out.write(content.replace(upper));
                content.release();
            }
        });
        try (StageHarness h = StageHarness.of(upper).action(StageHarness.streaming(200, "ab", "cd"))) {
            StageHarness.Result r = h.send(GET);

            assertThat(r.body()).isEqualTo("ABabCDcd");
            assertThat(r.raw()).contains("\r\n4\r\nABab\r\n", "\r\n4\r\nCDcd\r\n");
            assertThat(r.bytesOut()).as("the bytes the client got, not the bytes the action wrote").isEqualTo(8);
        }
    }

    @Test
    void aFilterReplacesAWholeResponseAndTheOtherFiltersSeeTheReplacement() {
        List<String> outerSaw = new ArrayList<>();
        Stage outer = wrapping(() -> new ResponseFilter() {
            @Override
            public void head(HttpResponse head, ResponseOutput out) {
                outerSaw.add(head.status().code() + " " + head.headers().get(HttpHeaderNames.CONTENT_TYPE));
                out.write(head);
            }
        });
        Stage errorPage = wrapping(ErrorPage::new);
        try (StageHarness h = StageHarness.of(outer, errorPage).action(StageHarness.streaming(404, "raw ", "404"))) {
            StageHarness.Result r = h.send(GET);

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("<h1>Not here</h1>");
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("17");
            assertThat(outerSaw).containsExactly("404 text/html");
            assertThat(r.bytesOut()).isEqualTo(17);
        }
    }

    @Test
    void filtersSeeTheAnswersOfLaterStagesAndInnerFiltersComeFirst() {
        Stage a = wrapping(() -> appending("a"));
        Stage b = wrapping(() -> appending("b"));
        Stage answer = (exchange, next) -> {
            exchange.respondText(HttpResponseStatus.TOO_MANY_REQUESTS, "slow down");
            return RequestFlow.DISCARD_BODY;
        };
        try (StageHarness h = StageHarness.of(a, b, answer)) {
            StageHarness.Result r = h.send(GET);

            assertThat(r.status()).isEqualTo(429);
            assertThat(r.headers().get("x-order")).isEqualTo("ba");
        }
    }

    @Test
    void interimResponsesPassWithoutFilters() {
        List<Integer> seen = new ArrayList<>();
        Stage watching = wrapping(() -> new ResponseFilter() {
            @Override
            public void head(HttpResponse head, ResponseOutput out) {
                seen.add(head.status().code());
                out.write(head);
            }
        });
        try (StageHarness h = StageHarness.of(watching).action(exchange -> {
            exchange.ctx().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.CONTINUE));
            return StageHarness.respond(200, "after").begin(exchange);
        })) {
            StageHarness.Result r = h.send(GET);

            assertThat(seen).containsExactly(200);
            assertThat(r.raw()).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
        }
    }

    @Test
    void aFilterOfAResponseCutShortIsToldToLetGo() {
        List<String> events = new ArrayList<>();
        Stage holding = wrapping(() -> new ResponseFilter() {
            @Override
            public void abandoned() {
                events.add("abandoned");
            }
        });
        StageHarness h = StageHarness.of(holding).action(exchange -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            exchange.ctx().write(head);
            exchange.ctx().writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("half", StandardCharsets.UTF_8)));
            return new RequestFlow() {
                @Override
                public void clientClosed() {
                    events.add("client closed");
                    exchange.finish();
                }
            };
        });
        try (h) {
            h.start("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            h.closeConnection();
            assertThat(events).containsExactly("client closed", "abandoned");
        }
    }

    /** A stage that registers a new filter from {@code filters} for every request and passes on. */
    private static Stage wrapping(java.util.function.Supplier<ResponseFilter> filters) {
        return (exchange, next) -> {
            exchange.filterResponse(filters.get());
            return next.begin(exchange);
        };
    }

    private static ResponseFilter appending(String mark) {
        return new ResponseFilter() {
            @Override
            public void head(HttpResponse head, ResponseOutput out) {
                head.headers().set("x-order", head.headers().get("x-order", "") + mark);
                out.write(head);
            }
        };
    }

    private static String text(ByteBuf buf) {
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Replaces a 404's body with a page of its own, as an error-page stage would. */
    private static final class ErrorPage implements ResponseFilter {
        private boolean replacing;
        private HttpResponse head;

        @Override
        public void head(HttpResponse head, ResponseOutput out) {
            if (head.status().code() != 404) {
                out.write(head);
                return;
            }
            replacing = true;
            this.head = head;
        }

        @Override
        public void content(HttpContent content, ResponseOutput out) {
            if (!replacing) {
                out.write(content);
                return;
            }
            boolean last = content instanceof LastHttpContent;
            content.release();
            if (last) {
                FullHttpResponse page = new DefaultFullHttpResponse(head.protocolVersion(), head.status(),
                        Unpooled.copiedBuffer("<h1>Not here</h1>", StandardCharsets.UTF_8));
                page.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html");
                page.headers().set(HttpHeaderNames.CONTENT_LENGTH, page.content().readableBytes());
                out.write(page);
            }
        }
    }
}
