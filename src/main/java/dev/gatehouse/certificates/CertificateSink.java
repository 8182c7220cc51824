package dev.gatehouse.certificates;

import dev.gatehouse.storage.CertifiedKey;

import javax.net.ssl.SSLException;
import java.util.Set;

/**
 * Where the certificate lifecycle puts what is to be served: the TLS layer implements it (its certificate registry),
 * so this package never reaches up into the handshake code. Every change applies to handshakes that start after it.
 * Thread-safe; calls come from the certificate executor.
 */
public interface CertificateSink {

    /** Serves {@code certificate} for {@code name} (exact or {@code *.} wildcard) from the next handshake on. */
    void put(String name, CertifiedKey certificate) throws SSLException;

    /** Stops serving {@code name}; true when it was served. */
    boolean remove(String name);

    /** The names served now. */
    Set<String> names();

    /** Serves {@code name}'s certificate to clients whose SNI matches nothing, or who send none. */
    void setDefault(String name);

    /** Without a default, unknown names are refused. */
    void clearDefault();
}
