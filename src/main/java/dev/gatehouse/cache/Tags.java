package dev.gatehouse.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Purge tags of a response: the space- or comma-separated values of its tag fields ({@code Surrogate-Key} and
 * {@code Cache-Tag} by default), as Fastly and Cloudflare read them.
 */
final class Tags {
    /** Tags per response beyond this are ignored: a bound on the index (Fastly allows a few hundred). */
    static final int MAX_TAGS = 256;

    private Tags() {
    }

    static List<String> of(HttpHeaders headers, List<String> fieldNames) {
        List<String> out = new ArrayList<>();
        for (String field : fieldNames) {
            for (String line : headers.getAll(field)) {
                for (String tag : line.split("[\\s,]+")) {
                    if (!tag.isEmpty() && !out.contains(tag) && out.size() < MAX_TAGS) {
                        out.add(tag);
                    }
                }
            }
        }
        return out;
    }
}
