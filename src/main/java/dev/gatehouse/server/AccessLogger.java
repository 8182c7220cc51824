package dev.gatehouse.server;

import dev.gatehouse.config.AccessLog;
import dev.gatehouse.http.Exchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per request: common log format with Gatehouse's fields appended, or one JSON object. Written through the
 * {@code gatehouse.access} logger, which logback.xml sends to stdout through an async appender (or to a file).
 */
final class AccessLogger {
    static final String LOGGER_NAME = "gatehouse.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final AccessLog config;

    AccessLogger(AccessLog config) {
        this.config = config;
    }

    void log(Exchange ex) {
        if (!config.enabled() || !log.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - ex.startNanos()) / 1000;
        log.info(config.format() == AccessLog.Format.JSON ? json(ex, micros) : common(ex, micros));
    }

    /**
     * A connection cut before its request head was complete ({@code timeouts.client_header}): there is no request
     * to show, so the line has {@code "-"} for it, the status given, the peer, and {@code read=} the head's bytes
     * that did arrive (as nginx logs such a 408 with {@code "-"}).
     */
    void logCutHead(InetSocketAddress remote, int status, long bytesOut, long bytesRead, long micros, String cause) {
        if (!config.enabled() || !log.isInfoEnabled()) {
            return;
        }
        String peer = NetUtil.toAddressString(remote.getAddress());
        if (config.format() == AccessLog.Format.JSON) {
            StringBuilder sb = new StringBuilder(300).append('{');
            field(sb, "time", Instant.now().toString()).append(',');
            field(sb, "remote", peer).append(',');
            field(sb, "method", "-").append(',');
            field(sb, "uri", "-").append(',');
            field(sb, "protocol", "-").append(',');
            sb.append("\"status\":").append(status).append(',');
            sb.append("\"bytes\":").append(bytesOut).append(',');
            sb.append("\"bytes_read\":").append(bytesRead).append(',');
            sb.append("\"duration_ms\":").append(micros / 1000.0).append(',');
            field(sb, "cause", cause);
            log.info(sb.append('}').toString());
            return;
        }
        StringBuilder sb = new StringBuilder(160);
        sb.append(peer).append(" - - [").append(CLF_TIME.format(Instant.now())).append("] \"-\" ")
                .append(status).append(' ').append(bytesOut).append(" \"-\" \"-\"");
        rt(sb, micros).append(" site=- upstream=- target=- id=- cause=").append(cause).append(" read=").append(bytesRead);
        log.info(sb.toString());
    }

    private static StringBuilder rt(StringBuilder sb, long micros) {
        return sb.append(" rt=").append(micros / 1000).append('.')
                .append(String.format(Locale.ROOT, "%03d", micros % 1000));
    }

    private static String common(Exchange ex, long micros) {
        var req = ex.request();
        StringBuilder sb = new StringBuilder(200);
        sb.append(ex.clientIp()).append(" - ").append(printable(ex.user())).append(" [")
                .append(CLF_TIME.format(Instant.now())).append("] \"")
                .append(req.method().name()).append(' ').append(printable(req.uri())).append(' ')
                .append(protocol(ex)).append("\" ")
                .append(ex.status()).append(' ').append(ex.bytesOut())
                .append(" \"").append(printable(header(ex, HttpHeaderNames.REFERER))).append("\" \"")
                .append(printable(header(ex, HttpHeaderNames.USER_AGENT))).append('"');
        rt(sb, micros).append(" site=").append(ex.site())
                .append(" upstream=").append(ex.upstream())
                .append(" target=").append(ex.target())
                .append(" id=").append(ex.requestId());
        if (!ex.cause().isEmpty()) {
            sb.append(" cause=").append(ex.cause());
        }
        return sb.toString();
    }

    private static String json(Exchange ex, long micros) {
        var req = ex.request();
        StringBuilder sb = new StringBuilder(300).append('{');
        field(sb, "time", Instant.now().toString()).append(',');
        field(sb, "remote", ex.clientIp()).append(',');
        if (!ex.user().equals("-")) {
            field(sb, "user", ex.user()).append(',');
        }
        field(sb, "method", req.method().name()).append(',');
        field(sb, "uri", req.uri()).append(',');
        field(sb, "protocol", protocol(ex)).append(',');
        sb.append("\"status\":").append(ex.status()).append(',');
        sb.append("\"bytes\":").append(ex.bytesOut()).append(',');
        sb.append("\"duration_ms\":").append(micros / 1000.0).append(',');
        field(sb, "site", ex.site()).append(',');
        field(sb, "upstream", ex.upstream()).append(',');
        field(sb, "target", ex.target()).append(',');
        field(sb, "request_id", ex.requestId()).append(',');
        field(sb, "referer", header(ex, HttpHeaderNames.REFERER)).append(',');
        field(sb, "user_agent", header(ex, HttpHeaderNames.USER_AGENT));
        if (!ex.cause().isEmpty()) {
            sb.append(',');
            field(sb, "cause", ex.cause());
        }
        return sb.append('}').toString();
    }

    /** HTTP/2 requests reach the handlers as HTTP/1.1 objects; the stream's channel tells what the client spoke. */
    private static String protocol(Exchange ex) {
        return ex.ctx().channel() instanceof Http2StreamChannel ? "HTTP/2.0" : ex.request().protocolVersion().text();
    }

    private static String header(Exchange ex, CharSequence name) {
        String v = ex.request().headers().get(name);
        return v == null ? "-" : v;
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** Log lines must not be forged with quotes or line breaks sent by a client. */
    private static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
