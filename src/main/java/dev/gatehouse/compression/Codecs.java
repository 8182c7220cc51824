package dev.gatehouse.compression;

import com.aayushatharva.brotli4j.encoder.Encoder;
import dev.gatehouse.config.Compress.Algorithm;
import io.netty.channel.Channel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.JdkZlibEncoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.compression.Zstd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which codings this process can produce, and their encoders. gzip is always there (the JDK's zlib); Brotli and
 * zstd need their native libraries (brotli4j, zstd-jni), loaded on first use: one that cannot load is logged once,
 * and gzip stands in for it. Whether a library loads is a fact about the process, hence checked once per process.
 */
final class Codecs {
    private static final Logger log = LoggerFactory.getLogger(Codecs.class);
    /** 2^18 = 256 KiB, as for zstd: a bounded window per stream (Brotli's default would be 4 MiB). */
    static final int BROTLI_WINDOW = 18;

    private Codecs() {
    }

    /** Whether {@code algorithm}'s encoder can run here. */
    static boolean usable(Algorithm algorithm) {
        return switch (algorithm) {
            case GZIP -> true;
            case BROTLI -> BrotliCheck.LOADED;
            case ZSTD -> ZstdCheck.LOADED;
        };
    }

    /** A new encoder for one body, allocating from the client channel's allocator. */
    static BodyEncoder encoder(Algorithm algorithm, int level, Channel client) {
        return switch (algorithm) {
            case GZIP -> new ChannelEncoder(new JdkZlibEncoder(ZlibWrapper.GZIP, level), client);
            case BROTLI -> new ChannelEncoder(new BrotliEncoder(new Encoder.Parameters().setQuality(level)
                    .setWindow(BROTLI_WINDOW).setMode(Encoder.Mode.GENERIC), false), client);
            case ZSTD -> new ZstdEncoder(level, client.alloc());
        };
    }

    private static boolean loaded(String coding, boolean available, Throwable cause) {
        if (!available) {
            log.warn("compress: the {} native library could not be loaded ({}); {} is not offered, gzip stands in",
                    coding, cause, coding);
        }
        return available;
    }

    private static final class BrotliCheck {
        static final boolean LOADED = loaded("br", Brotli.isAvailable(), Brotli.cause());
    }

    private static final class ZstdCheck {
        static final boolean LOADED = loaded("zstd", Zstd.isAvailable(), Zstd.cause());
    }
}
