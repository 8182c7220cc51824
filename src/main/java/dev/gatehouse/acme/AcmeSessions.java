package dev.gatehouse.acme;

import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Opens acme4j sessions to a CA directory. With a trust PEM, the CA's own HTTPS endpoint is verified against those
 * certificates only (test CAs such as pebble); without one, against the JDK's default trust store.
 * acme4j 3.x builds a {@link HttpClient} per connection through its provider's {@link HttpConnector}: overriding
 * {@code createHttpConnector} in a provider and passing the provider to {@link Session} is its supported hook.
 */
final class AcmeSessions {
    private final Optional<SSLContext> sslContext;
    private final Duration networkTimeout;

    private AcmeSessions(Optional<SSLContext> sslContext, Duration networkTimeout) {
        this.sslContext = sslContext;
        this.networkTimeout = networkTimeout;
    }

    /** Reads {@code trust} (PEM certificates) now: call from the issuing executor. */
    static AcmeSessions create(Optional<Path> trust, Duration networkTimeout) throws IOException, GeneralSecurityException {
        Optional<SSLContext> context = trust.isPresent() ? Optional.of(trusting(trust.get())) : Optional.empty();
        return new AcmeSessions(context, networkTimeout);
    }

    Session open(URI directory) {
        Session session = sslContext.isPresent()
                ? new Session(directory, new TrustingProvider(sslContext.get()))
                : new Session(directory, new GenericAcmeProvider());
        session.networkSettings().setTimeout(networkTimeout);
        return session;
    }

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("acme trust " + pem + ": no certificate (expected: PEM with BEGIN CERTIFICATE)");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("acme-trust-" + i++, certificate);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The generic provider (any http/https directory URL) with our trust for the CA's endpoint. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final SSLContext sslContext;

        TrustingProvider(SSLContext sslContext) {
            this.sslContext = sslContext;
        }

        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override
                public HttpClient.Builder createClientBuilder() {
                    return super.createClientBuilder().sslContext(sslContext);
                }
            };
        }
    }
}
