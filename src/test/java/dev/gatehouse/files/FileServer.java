package dev.gatehouse.files;

import dev.gatehouse.config.Action;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP/1.1 server on port 0 whose one handler calls {@link StaticFiles#serve}, with the
 * pipeline Gatehouse's server builds for it: codec, ChunkedWriteHandler, handler.
 */
final class FileServer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel serverChannel;
    /** The most recently accepted connection, to look at its outbound buffer. */
    final AtomicReference<Channel> lastChild = new AtomicReference<>();
    /** What serve() returned, in order, with the request target it answered. */
    final BlockingQueue<ServedRequest> served = new LinkedBlockingQueue<>();

    record ServedRequest(String uri, StaticFiles.Served served) {
    }

    FileServer(Path root) throws InterruptedException {
        StaticFiles files = new StaticFiles(new Action.Files(root, Action.Files.DEFAULT_INDEX));
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        lastChild.set(ch);
                        ch.pipeline()
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("chunked", new ChunkedWriteHandler())
                                .addLast("files", new FilesHandler(files));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Request bodies are ignored (SimpleChannelInboundHandler releases every HttpContent). */
    private final class FilesHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final StaticFiles files;

        FilesHandler(StaticFiles files) {
            this.files = files;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String rawPath = new QueryStringDecoder(request.uri()).rawPath();
            StaticFiles.Served result = files.serve(ctx, request, rawPath, keepAlive);
            served.add(new ServedRequest(request.uri(), result));
            if (!keepAlive) {
                result.done().addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
