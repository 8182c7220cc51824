package dev.gatehouse.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** grpc-timeout parsing, what counts as a gRPC call, and how Gatehouse's failures become gRPC statuses. */
class GrpcTest {

    @Test
    void grpcTimeoutUnits() {
        assertThat(Grpc.timeout("2H")).contains(Duration.ofHours(2));
        assertThat(Grpc.timeout("3M")).contains(Duration.ofMinutes(3));
        assertThat(Grpc.timeout("10S")).contains(Duration.ofSeconds(10));
        assertThat(Grpc.timeout("250m")).contains(Duration.ofMillis(250));
        assertThat(Grpc.timeout("1500u")).contains(Duration.ofNanos(1_500_000));
        assertThat(Grpc.timeout("99999999n")).contains(Duration.ofNanos(99_999_999));
        assertThat(Grpc.timeout("0m")).contains(Duration.ZERO);
        assertThat(Grpc.timeout("99999999H")).as("the largest one").contains(Duration.ofHours(99_999_999));
    }

    @Test
    void malformedGrpcTimeoutsAreIgnored() {
        for (String bad : new String[] {null, "", "S", "10", "10s", "10x", "-1S", "1.5S", "123456789S", " 10S"}) {
            assertThat(Grpc.timeout(bad)).as(String.valueOf(bad)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void grpcContentTypes() {
        assertThat(Grpc.isGrpc(type("application/grpc"))).isTrue();
        assertThat(Grpc.isGrpc(type("application/grpc+proto"))).isTrue();
        assertThat(Grpc.isGrpc(type("Application/GRPC+json"))).isTrue();
        assertThat(Grpc.isGrpc(type("application/grpc-web"))).as("grpc-web is HTTP/1 friendly, not gRPC").isFalse();
        assertThat(Grpc.isGrpc(type("application/json"))).isFalse();
        assertThat(Grpc.isGrpc(new DefaultHttpHeaders())).isFalse();
    }

    @Test
    void timeoutsAreDeadlineExceededEverythingElseUnavailable() {
        assertThat(ProxyFailure.HEADER_TIMEOUT.grpcStatus()).isEqualTo(4);
        assertThat(ProxyFailure.IDLE_TIMEOUT.grpcStatus()).isEqualTo(4);
        assertThat(ProxyFailure.GRPC_DEADLINE.grpcStatus()).isEqualTo(4);
        assertThat(ProxyFailure.NO_TARGET.grpcStatus()).isEqualTo(14);
        assertThat(ProxyFailure.QUEUE_FULL.grpcStatus()).isEqualTo(14);
        assertThat(ProxyFailure.CLOSED.grpcStatus()).isEqualTo(14);
        assertThat(ProxyFailure.STREAM_REFUSED.grpcStatus()).isEqualTo(14);
        assertThat(ProxyFailure.of(new ConnectException("refused")).grpcStatus()).isEqualTo(14);
        assertThat(ProxyFailure.of(new UpstreamStreamException("reset", false)).grpcStatus()).isEqualTo(14);
    }

    @Test
    void aFailureBeforeTheResponseIsATrailersOnlyResponse() {
        FullHttpResponse r = ProxyFailure.NO_TARGET.grpcResponse();
        try {
            assertThat(r.status().code()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).isEqualTo("application/grpc");
            assertThat(r.headers().get("grpc-status")).isEqualTo("14");
            assertThat(r.headers().get("grpc-message")).isEqualTo("no upstream target is available");
            assertThat(r.content().readableBytes()).isZero();
        } finally {
            r.release();
        }
    }

    @Test
    void aFailureAfterTheHeadEndsTheResponseWithTrailers() {
        LastHttpContent last = ProxyFailure.of(new UpstreamStreamException("reset", false)).grpcTrailers();
        try {
            assertThat(last.trailingHeaders().get("grpc-status")).isEqualTo("14");
            assertThat(last.trailingHeaders().get("grpc-message")).isEqualTo("the upstream reset the request stream");
        } finally {
            last.release();
        }
    }

    @Test
    void grpcMessageIsPercentEncoded() {
        assertThat(Grpc.percentEncode("plain text: ok")).isEqualTo("plain text: ok");
        assertThat(Grpc.percentEncode("100%")).isEqualTo("100%25");
        assertThat(Grpc.percentEncode("é\n")).isEqualTo("%C3%A9%0A");
    }

    private static HttpHeaders type(String contentType) {
        return new DefaultHttpHeaders().set("content-type", contentType);
    }
}
