package dev.gatehouse.config;

import java.time.Duration;

/**
 * HTTP/2 from clients, written under {@code http2:}; every field has a safe default. Sizes are written like
 * {@code 256kb}.
 *
 * @param maxConcurrentStreams streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS, default 100);
 *                             more are refused with RST_STREAM REFUSED_STREAM
 * @param initialWindow        flow-control window of each request body (SETTINGS_INITIAL_WINDOW_SIZE, default
 *                             256 KiB): what a client may send on one stream before Gatehouse has passed it on
 * @param connectionWindow     flow-control window of the whole connection (default 1 MiB): the most request-body
 *                             bytes of one connection held in Gatehouse at any time
 * @param maxFrameSize         largest frame a client may send (SETTINGS_MAX_FRAME_SIZE, default 16 KiB, the
 *                             protocol's minimum)
 * @param maxHeaderListSize    request header block, decoded (SETTINGS_MAX_HEADER_LIST_SIZE); 0 (the default)
 *                             means {@code limits.max_headers}; exceeded: 431, or the connection is closed when
 *                             the block is far over it
 * @param headerTableSize      HPACK dynamic table (SETTINGS_HEADER_TABLE_SIZE, default 4 KiB)
 * @param maxResets            RST_STREAM frames a client may send per {@code resetWindow} (default 200 per 30s);
 *                             more: GOAWAY ENHANCE_YOUR_CALM and the connection is closed (rapid reset,
 *                             CVE-2023-44487)
 * @param resetWindow          the window of {@code maxResets}
 */
public record Http2(int maxConcurrentStreams, int initialWindow, int connectionWindow, int maxFrameSize,
                    int maxHeaderListSize, int headerTableSize, int maxResets, Duration resetWindow) {
    public static final Http2 DEFAULTS = new Http2(100, 256 * 1024, 1024 * 1024, 16 * 1024, 0, 4096, 200,
            Duration.ofSeconds(30));

    /** RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE lies between 2^14 and 2^24-1. */
    public static final int MIN_FRAME_SIZE = 16 * 1024;
    public static final int MAX_FRAME_SIZE = (1 << 24) - 1;
    /** RFC 9113 §6.9.1: a flow-control window is at most 2^31-1. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;

    /** The header list limit in force: {@link #maxHeaderListSize}, else the HTTP/1.1 head limit. */
    public int headerListSize(Limits limits) {
        return maxHeaderListSize > 0 ? maxHeaderListSize : limits.maxHeaders();
    }
}
