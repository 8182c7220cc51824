package dev.gatehouse.tls;

import javax.net.ssl.SSLHandshakeException;

/**
 * A handshake refused because no certificate is served for the client's SNI name (and there is no default): the
 * cause of the failed {@code SslHandshakeCompletionEvent} the registry's handler fires before it closes.
 */
public final class UnrecognizedNameException extends SSLHandshakeException {
    public UnrecognizedNameException(String serverName) {
        super("no certificate for " + (serverName == null ? "a client without SNI" : "\"" + serverName + "\""));
    }

    /** Expected on the internet (scanners, stale DNS): no stack trace to fill. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
