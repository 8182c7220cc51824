package dev.gatehouse.compression;

import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.handler.codec.http.HttpResponse;

/**
 * For a request that takes no coding (none accepted, HEAD, HTTP/1.0): the response goes out as it is, with
 * {@code Vary: Accept-Encoding} when another request could have had it compressed, so that caches keep the two
 * apart. No state: one per rule, shared.
 */
final class VaryFilter implements ResponseFilter {
    private final CompressPolicy policy;

    VaryFilter(CompressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        if (policy.judge(head) != CompressPolicy.Verdict.NO) {
            CompressPolicy.addVary(head.headers());
        }
        out.write(head);
    }
}
