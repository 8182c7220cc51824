package dev.gatehouse.files;

import dev.gatehouse.config.Action;
import dev.gatehouse.http.ByteRange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the files under one root directory over HTTP, as nginx or Caddy would: GET and HEAD,
 * index files for directories (never listings), ETag and Last-Modified with conditional requests,
 * single byte ranges, and a fixed Content-Type table with {@code nosniff}.
 *
 * <p>Only {@code HttpObject}s are written, never a {@code FileRegion}, so the same code serves
 * HTTP/1.1 and HTTP/2 child channels, with or without TLS. The body is an {@link HttpChunkedInput},
 * so <b>a {@code ChunkedWriteHandler} must sit in the pipeline between the HTTP codec and the
 * handler calling {@link #serve}</b>; it reads the file a chunk at a time as the channel becomes
 * writable, so memory stays bounded by the channel's write buffer whatever the file size.
 *
 * <p>The file is looked up, stat-ed and opened on the event loop. That breaks the "never block the
 * event loop" rule in letter, knowingly: on a local disk these are page-cache hits of microseconds,
 * and handing them to an executor costs two thread hops per request. Reading the content happens in
 * {@code ChunkedWriteHandler}, also on the loop. Later improvement: move lookup and open to the
 * disk executor, which also covers network file systems where a stat can take milliseconds.
 */
public final class StaticFiles {

    private static final Logger log = LoggerFactory.getLogger(StaticFiles.class);

    /** Bytes per body chunk: one TLS record's worth of plaintext (16 KiB, RFC 8446 §5.1). */
    static final int CHUNK_SIZE = 16 * 1024;

    /** On every response: a browser must not guess a type other than the one we send. */
    static final String NOSNIFF = "nosniff";
    static final String X_CONTENT_TYPE_OPTIONS = "x-content-type-options";

    private final Path root;
    private final String index;

    public StaticFiles(Action.Files config) {
        Objects.requireNonNull(config, "config");
        this.root = Objects.requireNonNull(config.root(), "files root");
        this.index = Objects.requireNonNull(config.index(), "files index");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("files root: " + root + " (expected: an absolute path)");
        }
        if (index.isEmpty() || index.equals(".") || index.equals("..")
                || index.indexOf('/') >= 0 || index.indexOf('\\') >= 0 || index.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("files index: \"" + index + "\" (expected: a file name such as index.html)");
        }
    }

    /**
     * Writes the complete response for {@code request} to ctx (the request body, if any, is the
     * caller's problem).
     *
     * @param rawPath   the request-target's path as received (percent-encoded, no query string)
     * @param keepAlive set on the response with {@link HttpUtil#setKeepAlive}; when false the caller
     *                  closes the channel after {@link Served#done()}
     * @return the status, the body bytes that will be written (0 for HEAD and 304), and the future of
     *         the last write. If that future fails while streaming a file, the channel has already
     *         been closed here: a response cut short of its Content-Length must not be followed by
     *         another one on the same connection.
     */
    public Served serve(ChannelHandlerContext ctx, HttpRequest request, String rawPath, boolean keepAlive) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(rawPath, "rawPath");
        if (!isHead(request) && !HttpMethod.GET.equals(request.method())) {
            return Responses.text(ctx, request, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    h -> h.set(HttpHeaderNames.ALLOW, "GET, HEAD"));
        }
        RequestPaths.Lookup lookup;
        try {
            lookup = RequestPaths.lookup(root, index, rawPath);
        } catch (IOException e) {
            return failed(ctx, request, keepAlive, rawPath, "lookup", e);
        }
        if (lookup instanceof RequestPaths.Refused refused) {
            log.debug("files root={} path={} refused {}: {}", root, rawPath, refused.status(), refused.reason());
            return Responses.text(ctx, request, keepAlive, HttpResponseStatus.valueOf(refused.status()), h -> { });
        }
        if (lookup instanceof RequestPaths.AddSlash addSlash) {
            return Responses.text(ctx, request, keepAlive, HttpResponseStatus.MOVED_PERMANENTLY,
                    h -> h.set(HttpHeaderNames.LOCATION, addSlash.location()));
        }
        return serveFile(ctx, request, keepAlive, rawPath, (RequestPaths.Found) lookup);
    }

    private Served serveFile(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive,
                             String rawPath, RequestPaths.Found found) {
        FileChannel file;
        try {
            // NOFOLLOW: found.file() is a real path; a symlink swapped in since then is not followed
            file = FileChannel.open(found.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            log.debug("files root={} path={} refused 403: {}", root, rawPath, e.getMessage());
            return Responses.text(ctx, request, keepAlive, HttpResponseStatus.FORBIDDEN, h -> { });
        } catch (IOException e) {
            return failed(ctx, request, keepAlive, rawPath, "open", e);
        }
        boolean handedOff = false;
        try {
            long size = file.size();
            Conditionals validators = Conditionals.of(
                    size, found.attributes().lastModifiedTime().toMillis(), System.currentTimeMillis());
            switch (validators.evaluate(request.headers())) {
                case NOT_MODIFIED:
                    return Responses.notModified(ctx, request, keepAlive, validators);
                case PRECONDITION_FAILED:
                    return Responses.text(ctx, request, keepAlive, HttpResponseStatus.PRECONDITION_FAILED, h -> { });
                case PROCEED:
                default:
                    break;
            }
            // RFC 9110 §14.2: GET is the only method with range handling; HEAD ignores Range
            ByteRange.Selection selection = isHead(request) || !validators.rangeAllowed(request.headers())
                    ? new ByteRange.Whole()
                    : ByteRange.select(request.headers().get(HttpHeaderNames.RANGE), size);
            if (selection instanceof ByteRange.Unsatisfiable) {
                return Responses.text(ctx, request, keepAlive, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        h -> h.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size));
            }
            HttpResponse response;
            ByteRange range;
            if (selection instanceof ByteRange.Part part) {
                range = part.range();
                response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.PARTIAL_CONTENT);
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
            } else {
                range = new ByteRange(0, size);
                response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
            }
            setFileHeaders(response.headers(), found.file(), range.length(), validators);
            HttpUtil.setKeepAlive(response, keepAlive);
            int status = response.status().code();
            ctx.write(response);
            if (isHead(request) || range.length() == 0) {
                return new Served(status, 0, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            }
            FileBody body = new FileBody(file, range.first(), range.length());
            handedOff = true;
            return new Served(status, range.length(), stream(ctx, rawPath, file, body));
        } catch (IOException e) {
            return failed(ctx, request, keepAlive, rawPath, "read", e);
        } finally {
            if (!handedOff) {
                closeQuietly(file);
            }
        }
    }

    /**
     * Writes the body. Ownership: ChunkedWriteHandler closes the input, and so the file, when done
     * or failed; the listener closes it again in case the write never reached that handler.
     */
    private ChannelFuture stream(ChannelHandlerContext ctx, String rawPath, FileChannel file, FileBody body) {
        ChannelFuture done = ctx.writeAndFlush(new HttpChunkedInput(body));
        done.addListener(f -> {
            closeQuietly(file);
            if (!f.isSuccess()) {
                log.debug("files root={} path={} body cut short: {}", root, rawPath, String.valueOf(f.cause()));
                ctx.channel().close();
            }
        });
        return done;
    }

    private static void setFileHeaders(HttpHeaders headers, Path file, long length, Conditionals validators) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.forFileName(file.getFileName().toString()))
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(HttpHeaderNames.ETAG, validators.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified())
                .set(StaticFiles.X_CONTENT_TYPE_OPTIONS, StaticFiles.NOSNIFF);
    }

    private Served failed(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive,
                          String rawPath, String step, IOException e) {
        log.warn("files root={} path={} {} failed, answering 500", root, rawPath, step, e);
        return Responses.text(ctx, request, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, h -> { });
    }

    private void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("files root={} close failed: {}", root, e.toString());
        }
    }

    static boolean isHead(HttpRequest request) {
        return HttpMethod.HEAD.equals(request.method());
    }

    /**
     * What {@link #serve} did.
     *
     * @param status    the response status
     * @param bodyBytes body bytes written or being written (0 for HEAD, 304 and empty files)
     * @param done      completes when the last byte of the response has been written
     */
    public record Served(int status, long bodyBytes, ChannelFuture done) {
    }

    /**
     * A file region read chunk by chunk. Fails instead of looping when the file shrinks while being
     * served: {@link ChunkedNioFile} would otherwise return empty chunks forever, as its end offset
     * was fixed when the response's Content-Length was.
     */
    static final class FileBody extends ChunkedNioFile {
        FileBody(FileChannel file, long offset, long length) throws IOException {
            super(file, offset, length, CHUNK_SIZE);
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            ByteBuf chunk = super.readChunk(allocator);
            if (chunk != null && !chunk.isReadable()) {
                chunk.release();
                throw new EOFException("file shrank while being served, at offset " + currentOffset());
            }
            return chunk;
        }
    }
}
