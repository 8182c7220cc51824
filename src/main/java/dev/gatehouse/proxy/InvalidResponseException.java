package dev.gatehouse.proxy;

/**
 * An upstream's response broke HTTP/1.1's syntax or framing rules (RFC 9112): it is never relayed. The message
 * says what was wrong, for the log line.
 */
final class InvalidResponseException extends IllegalArgumentException {
    InvalidResponseException(String message) {
        super(message);
    }
}
