package dev.gatehouse.acme;

import dev.gatehouse.config.AcmeSettings.ChallengeType;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Set;

/** The acme tests' ChallengeResponder: HTTP-01 answers in an {@link Http01Tokens}, TLS-ALPN-01 in a plain store. */
final class StoreResponder implements ChallengeResponder {
    private final Http01Tokens http;
    private final TlsAlpn01Certificates tlsAlpn;
    private final Set<ChallengeType> available;

    StoreResponder(Http01Tokens http, TlsAlpn01Certificates tlsAlpn, Set<ChallengeType> available) {
        this.http = http;
        this.tlsAlpn = tlsAlpn;
        this.available = Set.copyOf(available);
    }

    @Override
    public Set<ChallengeType> available() {
        return available;
    }

    @Override
    public void addHttp01(String token, String keyAuthorization) {
        http.add(token, keyAuthorization);
    }

    @Override
    public void removeHttp01(String token) {
        http.remove(token);
    }

    @Override
    public void addTlsAlpn01(String name, X509Certificate challengeCert, KeyPair key) {
        tlsAlpn.add(name, challengeCert, key);
    }

    @Override
    public void removeTlsAlpn01(String name) {
        tlsAlpn.remove(name);
    }
}
