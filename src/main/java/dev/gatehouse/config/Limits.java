package dev.gatehouse.config;

/**
 * Request size limits, written under {@code limits:}. Sizes are written like {@code 10mb}, {@code 8kb}, {@code 1gb}.
 *
 * @param maxBody       request body (default 1 GiB; 0 means unlimited); exceeded: 413
 * @param maxUri        request line's URI (default 8 KiB); exceeded: 414
 * @param maxHeaders    all request header lines together (default 32 KiB); exceeded: 431
 */
public record Limits(long maxBody, int maxUri, int maxHeaders) {
    public static final Limits DEFAULTS = new Limits(1L << 30, 8 * 1024, 32 * 1024);
}
