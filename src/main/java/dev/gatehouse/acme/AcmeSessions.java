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
 * acme4j 3.x builds a {@link HttpClient} per request through its provider's {@link HttpConnector}: overriding
 * {@code createHttpConnector} in a provider and passing the provider to {@link Session} is its supported hook. We use
 * it to hand every request one shared client: a client per request meant a TLS handshake and a selector thread per
 * request, about 20 per order, which made 50 orders at once CPU-bound on the handshakes.
 */
final class AcmeSessions {
    private final Optional<SSLContext> sslContext;
    private final Duration networkTimeout;
    /** One client for every session, made on first use with acme4j's own settings (timeouts, redirects, proxy). */
    private volatile HttpClient shared;

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
        Session session = new Session(directory, new SharedClientProvider());
        session.networkSettings().setTimeout(networkTimeout);
        return session;
    }

    private HttpClient client(HttpClient.Builder configured) {
        HttpClient client = shared;
        if (client == null) {
            synchronized (this) {
                if (shared == null) {
                    sslContext.ifPresent(configured::sslContext);
                    shared = configured.build();
                }
                client = shared;
            }
        }
        return client;
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

    /** The generic provider (any http/https directory URL), with our trust and the shared client. */
    private final class SharedClientProvider extends GenericAcmeProvider {
        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override
                public HttpClient.Builder createClientBuilder() {
                    return new SharedClientBuilder(super.createClientBuilder());
                }
            };
        }
    }

    /**
     * What acme4j asks for a client per request: the settings go to {@code configured}, and {@link #build()} answers
     * the shared client (built from the first request's settings, which are the same for every request).
     */
    private final class SharedClientBuilder implements HttpClient.Builder {
        private final HttpClient.Builder configured;

        SharedClientBuilder(HttpClient.Builder configured) {
            this.configured = configured;
        }

        @Override
        public HttpClient.Builder cookieHandler(java.net.CookieHandler handler) {
            configured.cookieHandler(handler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            configured.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext context) {
            configured.sslContext(context);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(javax.net.ssl.SSLParameters parameters) {
            configured.sslParameters(parameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(java.util.concurrent.Executor executor) {
            configured.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            configured.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            configured.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            configured.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(java.net.ProxySelector selector) {
            configured.proxy(selector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(java.net.Authenticator authenticator) {
            configured.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient build() {
            return client(configured);
        }
    }
}
