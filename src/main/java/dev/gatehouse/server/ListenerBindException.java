package dev.gatehouse.server;

import java.io.IOException;
import java.util.Locale;

/**
 * A listening socket that could not be bound, said the way the config says it:
 * {@code listen.https 0.0.0.0:443: address already in use}. The transport's own exception (with its errno and
 * native method name) stays the cause, for the debug log.
 */
public final class ListenerBindException extends IOException {
    /**
     * @param listener the config key of the listener: {@code listen.http}, {@code listen.https}, {@code admin.listen}
     */
    public ListenerBindException(String listener, String address, int port, Throwable cause) {
        super(listener + " " + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port + ": "
                + reason(address, cause), cause);
    }

    private static String reason(String address, Throwable cause) {
        String m = cause.getMessage();
        if (m == null) {
            return cause instanceof java.nio.channels.UnresolvedAddressException
                    ? "cannot resolve " + address + " (expected: an address of this machine)"
                    : cause.getClass().getSimpleName();
        }
        // Native transports say "bind(..) failed with error(-98): Address already in use"; the JDK says the last part.
        int errno = m.indexOf("): ");
        if (m.contains("(..) failed") && errno >= 0) {
            m = m.substring(errno + 3);
        }
        String reason = m.isEmpty() ? m : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
        if (reason.startsWith("permission denied")) {
            return reason + " (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability)";
        }
        if (reason.startsWith("cannot assign requested address")) {
            return reason + " (no network interface of this machine has " + address + ")";
        }
        return reason;
    }
}
