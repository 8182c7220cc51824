package dev.gatehouse.certificates;

import java.io.IOException;

/** A user-supplied certificate or key file ({@code tls: { cert, key }}) cannot be used; the message names it. */
public final class CertificateFileException extends IOException {
    public CertificateFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
