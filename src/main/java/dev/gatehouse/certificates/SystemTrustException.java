package dev.gatehouse.certificates;

/** Installing or removing the local CA root in the system trust store failed; the message says what to do. */
public final class SystemTrustException extends Exception {
    public SystemTrustException(String message) {
        super(message);
    }

    public SystemTrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
