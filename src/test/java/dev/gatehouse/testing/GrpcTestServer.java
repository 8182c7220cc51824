package dev.gatehouse.testing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server (grpc-java over Netty, plaintext HTTP/2) on a free loopback port, with one service of
 * UTF-8 string messages described by hand (no protoc): {@code gatehouse.test.Echo} with a method of each kind.
 * <ul>
 *   <li>{@link #SAY} unary: "hello " + request</li>
 *   <li>{@link #SLEEP} unary: waits the request's number of milliseconds, then "slept"</li>
 *   <li>{@link #COUNT} server streaming: "N" sends "0".."N-1"; "forever" sends "0" and then nothing, keeping the
 *       call open (for killing the server mid-stream; {@link #streamStarted()} tells when "0" went out)</li>
 *   <li>{@link #JOIN} client streaming: the requests joined with ","</li>
 *   <li>{@link #CHAT} bidirectional: each request upper-cased, as it comes</li>
 *   <li>{@link #FAIL} unary: fails with NOT_FOUND and the request as message</li>
 * </ul>
 */
public final class GrpcTestServer implements AutoCloseable {
    public static final String SERVICE = "gatehouse.test.Echo";

    /** UTF-8 strings as messages. */
    public static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<String, String> SAY = method("Say", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> SLEEP = method("Sleep", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> COUNT =
            method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> JOIN =
            method("Join", MethodDescriptor.MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<String, String> CHAT =
            method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch streamStarted = new CountDownLatch(1);
    private final Server server;

    private GrpcTestServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service())
                .build()
                .start();
    }

    public static GrpcTestServer start() throws IOException {
        return new GrpcTestServer();
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(UTF8)
                .setResponseMarshaller(UTF8)
                .build();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY, ServerCalls.asyncUnaryCall((req, out) -> {
                    out.onNext("hello " + req);
                    out.onCompleted();
                }))
                .addMethod(SLEEP, ServerCalls.asyncUnaryCall((req, out) -> timers.schedule(() -> {
                    out.onNext("slept");
                    out.onCompleted();
                }, Long.parseLong(req), TimeUnit.MILLISECONDS)))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((req, out) ->
                        out.onError(Status.NOT_FOUND.withDescription(req).asRuntimeException())))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    if (req.equals("forever")) {
                        out.onNext("0");
                        streamStarted.countDown();
                        return; // never completes: the server is killed under it
                    }
                    for (int i = 0; i < Integer.parseInt(req); i++) {
                        out.onNext(Integer.toString(i));
                    }
                    out.onCompleted();
                }))
                .addMethod(JOIN, ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<String>() {
                    private final List<String> got = new ArrayList<>();

                    @Override
                    public void onNext(String value) {
                        got.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onNext(String.join(",", got));
                        out.onCompleted();
                    }
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        out.onNext(value.toUpperCase());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .build();
    }

    public int port() {
        return server.getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Waits until a "forever" COUNT call has sent its first message. */
    public boolean streamStarted(long millis) throws InterruptedException {
        return streamStarted.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Kills the server: open calls are cut, connections closed. */
    public void kill() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        timers.shutdownNow();
    }
}
