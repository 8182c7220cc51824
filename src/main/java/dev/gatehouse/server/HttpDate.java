package dev.gatehouse.server;

import io.netty.util.AsciiString;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header value (RFC 9110 §6.6.1), formatted at most once per second per thread. */
final class HttpDate {
    private static final ThreadLocal<HttpDate> CACHE = ThreadLocal.withInitial(HttpDate::new);
    /** IMF-fixdate: two-digit day, English names, always GMT. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    private long second = -1;
    private AsciiString value;

    static AsciiString now() {
        return CACHE.get().current();
    }

    private AsciiString current() {
        long nowSecond = System.currentTimeMillis() / 1000;
        if (nowSecond != second) {
            second = nowSecond;
            value = AsciiString.cached(IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        }
        return value;
    }
}
