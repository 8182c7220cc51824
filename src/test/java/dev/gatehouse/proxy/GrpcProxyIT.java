package dev.gatehouse.proxy;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.GrpcTestServer;
import dev.gatehouse.testing.TestGatehouse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real gRPC client (grpc-java, HTTP/2 with prior knowledge) through Gatehouse's {@code h2c: true} listener to a
 * real gRPC server behind {@code protocol: h2c}: every kind of call, with its status and trailers intact, and
 * Gatehouse's own failures seen by the client as gRPC statuses.
 */
class GrpcProxyIT {
    private final List<ManagedChannel> channels = new ArrayList<>();

    private static TestGatehouse gatehouse(String target) throws Exception {
        return TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }", """
                sites:
                  example.test:
                    upstream: grpc
                upstreams:
                  grpc: { protocol: h2c, targets: [%s] }
                """.formatted(target), Files.createTempDirectory("grpc-proxy"));
    }

    private ManagedChannel channel(TestGatehouse gh) {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", gh.port(), InsecureChannelCredentials.create())
                .overrideAuthority("example.test")
                .build();
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void closeChannels() throws InterruptedException {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static CallOptions deadline(long seconds) {
        return CallOptions.DEFAULT.withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    @Test
    void unary() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            ManagedChannel ch = channel(gh);
            for (int i = 0; i < 20; i++) {
                assertThat(ClientCalls.blockingUnaryCall(ch, GrpcTestServer.SAY, deadline(10), "n" + i))
                        .isEqualTo("hello n" + i);
            }
        }
    }

    @Test
    void anUpstreamStatusReachesTheClient() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel(gh), GrpcTestServer.FAIL, deadline(10),
                    "no such thing"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                        assertThat(e.getStatus().getDescription()).isEqualTo("no such thing");
                    });
        }
    }

    @Test
    void serverStreaming() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel(gh), GrpcTestServer.COUNT,
                    deadline(10), "100");
            List<String> got = new ArrayList<>();
            it.forEachRemaining(got::add);
            assertThat(got).hasSize(100).startsWith("0", "1").endsWith("99");
        }
    }

    @Test
    void clientStreaming() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            Result result = new Result();
            StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
                    channel(gh).newCall(GrpcTestServer.JOIN, deadline(10)), result);
            for (String s : List.of("a", "b", "c", "d")) {
                requests.onNext(s);
            }
            requests.onCompleted();
            assertThat(result.done.get(10, TimeUnit.SECONDS)).isNull();
            assertThat(result.messages).containsExactly("a,b,c,d");
        }
    }

    @Test
    void bidiStreaming() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            Result result = new Result();
            ClientCall<String, String> call = channel(gh).newCall(GrpcTestServer.CHAT, deadline(10));
            StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(call, result);
            for (int i = 0; i < 50; i++) {
                requests.onNext("m" + i);
            }
            requests.onCompleted();
            assertThat(result.done.get(10, TimeUnit.SECONDS)).isNull();
            assertThat(result.messages).hasSize(50).startsWith("M0").endsWith("M49");
        }
    }

    @Test
    void deadlineExceeded() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel(gh), GrpcTestServer.SLEEP,
                    CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "5000"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000);
        }
    }

    @Test
    void upstreamKilledMidStreamIsAnErrorNeverASilentSuccess() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(); TestGatehouse gh = gatehouse(server.address())) {
            Result result = new Result();
            ClientCalls.asyncServerStreamingCall(channel(gh).newCall(GrpcTestServer.COUNT, deadline(20)),
                    "forever", result);
            assertThat(server.streamStarted(10_000)).isTrue();
            Thread.sleep(200);
            server.kill();

            Throwable error = result.done.get(15, TimeUnit.SECONDS);
            assertThat(error).as("the call ends with an error status").isNotNull();
            assertThat(Status.fromThrowable(error).getCode()).isNotEqualTo(Status.Code.OK);
            assertThat(result.messages).containsExactly("0");
        }
    }

    @Test
    void noUpstreamIsUnavailable() throws Exception {
        String dead = "127.0.0.1:" + GatehouseProcess.freePort();
        try (TestGatehouse gh = gatehouse(dead)) {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel(gh), GrpcTestServer.SAY, deadline(10), "x"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).contains("refused");
                    });
        }
    }

    /** Collects a call's messages; {@link #done} completes with null on success, with the error otherwise. */
    private static final class Result implements StreamObserver<String> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> done = new CompletableFuture<>();

        @Override
        public void onNext(String value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            done.complete(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }
}
