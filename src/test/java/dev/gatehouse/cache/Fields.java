package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Test helpers: header sets written as name/value pairs, and stored responses made from them. */
final class Fields {
    static final long NOW = 1_800_000_000_000L;

    private Fields() {
    }

    static HttpHeaders of(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    /** An HTTP-date {@code seconds} from {@link #NOW}. */
    static String date(long seconds) {
        return HttpDates.format(NOW + seconds * 1000);
    }

    /** A 200 received at NOW with a 5-byte heap body; request fields empty. */
    static StoredResponse stored(CacheRule rule, String... nameValues) {
        return stored(rule, 200, of(), nameValues);
    }

    static StoredResponse stored(CacheRule rule, int status, HttpHeaders request, String... nameValues) {
        HttpHeaders h = of(nameValues);
        return StoredResponse.of("a.test", "http://a.test/x", status, "OK", h, VaryKey.of(h, request), NOW, NOW, rule,
                new Body.Memory(Unpooled.wrappedBuffer("hello".getBytes())));
    }
}
