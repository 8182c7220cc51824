package dev.gatehouse.storage;

import java.io.IOException;

/** PEM text that holds no usable certificate or key, or one in a form Gatehouse does not read (e.g. encrypted). */
public final class PemException extends IOException {
    public PemException(String message) {
        super(message);
    }

    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
