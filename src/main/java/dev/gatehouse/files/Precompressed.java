package dev.gatehouse.files;

import dev.gatehouse.compression.AcceptEncoding;
import dev.gatehouse.config.Compress.Algorithm;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Precompressed siblings of static files ({@code app.js.zst}, {@code app.js.br}, {@code app.js.gz}, made at build
 * time with higher levels than compression on the fly can afford), served instead of the file to a client that
 * accepts their coding, as nginx's {@code gzip_static} and Caddy's {@code precompressed} do. A sibling is used when
 * it is a regular file (not a symlink) no older than the file itself, to the second: a stale one, left behind by a
 * deploy that changed the file, is ignored. Requests with a Range get the file itself (its ranges are what clients resume).
 */
final class Precompressed {
    static final Precompressed NONE = new Precompressed(List.of());

    /** A sibling to serve: its path, its attributes (for the validators), and its coding. */
    record Sibling(Path file, BasicFileAttributes attributes, Algorithm coding) {
    }

    private final List<Algorithm> codings;

    /** @param codings the codings to look for, in the server's order of preference (those of {@code compress}) */
    Precompressed(List<Algorithm> codings) {
        this.codings = List.copyOf(codings);
    }

    /** The sibling of {@code file} to serve for {@code request}, if any. */
    Optional<Sibling> find(HttpRequest request, Path file, BasicFileAttributes attributes) throws IOException {
        if (codings.isEmpty() || request.headers().contains(HttpHeaderNames.RANGE)) {
            return Optional.empty();
        }
        List<Algorithm> wanted = AcceptEncoding.ranked(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING),
                codings);
        for (Algorithm coding : wanted) {
            Path sibling = file.resolveSibling(file.getFileName() + coding.suffix());
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(sibling, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            // Whole seconds: compressors that copy the file's time (gzip -k, brotli, zstd) may drop its fraction
            if (a.isRegularFile() && a.lastModifiedTime().to(TimeUnit.SECONDS)
                    >= attributes.lastModifiedTime().to(TimeUnit.SECONDS)) {
                return Optional.of(new Sibling(sibling, a, coding));
            }
        }
        return Optional.empty();
    }
}
