package dev.gatehouse.server;

/**
 * Headers every response of an exchange carries, set once when the exchange starts and added where the protocol
 * writes its responses ({@link ServerHttpCodec} on HTTP/1.1, {@link Http2ResponseHeaders} on an HTTP/2 stream), so
 * that Gatehouse's own answers carry them as well as proxied ones. Headers that depend on the site or route are
 * stages' work ({@code stages.HstsStage}).
 */
interface ResponseStamps {

    /** The exchange's X-Request-Id. */
    void requestId(String id);
}
