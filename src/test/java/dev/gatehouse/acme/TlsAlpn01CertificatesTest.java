package dev.gatehouse.acme;

import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.util.CertificateUtils;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TlsAlpn01CertificatesTest {

    @Test
    void looksUpTheSniNameCaseInsensitivelyUntilRemoved() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA"); // acme4j signs its certificates SHA256withRSA
        rsa.initialize(2048);
        KeyPair key = rsa.generateKeyPair();
        X509Certificate cert = CertificateUtils.createTestRootCertificate("CN=challenge", Instant.now(),
                Instant.now().plusSeconds(60), key);
        TlsAlpn01Certificates certificates = new TlsAlpn01Certificates();

        certificates.add("App.Example.com", cert, key);
        assertThat(certificates.lookup("app.example.COM")).map(TlsAlpn01Certificates.Entry::certificate).contains(cert);
        certificates.remove("APP.example.com");
        assertThat(certificates.lookup("app.example.com")).isEmpty();
    }
}
