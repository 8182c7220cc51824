package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.Test;

class PemTest {

    @Test
    void ecKeyAndCertificateRoundTrip() throws Exception {
        CertifiedKey original = TestCertificates.selfSigned(TestCertificates.ec(), "a.example.com");

        String certPem = Pem.writeCertificates(original.chain());
        String keyPem = Pem.writePrivateKey(original.key());

        assertThat(certPem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Pem.readCertificates(certPem)).isEqualTo(original.chain());
        assertThat(Pem.readPrivateKey(keyPem)).isEqualTo(original.key());
    }

    @Test
    void rsaKeyRoundTrip() throws Exception {
        KeyPair rsa = TestCertificates.rsa();

        PrivateKey read = Pem.readPrivateKey(Pem.writePrivateKey(rsa.getPrivate()));

        assertThat(read).isEqualTo(rsa.getPrivate());
        assertThat(Pem.publicKeyOf(read)).isEqualTo(rsa.getPublic());
    }

    @Test
    void chainKeepsOrder() throws Exception {
        CertifiedKey chain = TestCertificates.withChain("a.example.com");

        List<java.security.cert.X509Certificate> read = Pem.readCertificates(Pem.writeCertificates(chain.chain()));

        assertThat(read).hasSize(2).isEqualTo(chain.chain());
        assertThat(read.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=a.example.com");
    }

    @Test
    void readsTraditionalEcAndRsaKeysAsCertbotWritesThem() throws Exception {
        for (KeyPair pair : List.of(TestCertificates.ec(), TestCertificates.rsa())) {
            String traditional = traditional(pair);
            assertThat(traditional).containsAnyOf("BEGIN EC PRIVATE KEY", "BEGIN RSA PRIVATE KEY");

            KeyPair read = Pem.readKeyPair(traditional);

            // The public half is recomputed from the private one, so equal public keys mean the same key.
            assertThat(read.getPrivate().getAlgorithm()).isEqualTo(pair.getPrivate().getAlgorithm());
            assertThat(read.getPublic()).isEqualTo(pair.getPublic());
        }
    }

    @Test
    void derivesTheEcPublicKey() throws Exception {
        KeyPair ec = TestCertificates.ec();

        assertThat(Pem.publicKeyOf(ec.getPrivate())).isEqualTo(ec.getPublic());
    }

    @Test
    void oneFileWithChainAndKeyReadsBothWays() throws Exception {
        CertifiedKey original = TestCertificates.withChain("a.example.com");
        String combined = Pem.writeCertificates(original.chain()) + Pem.writePrivateKey(original.key());

        assertThat(Pem.readCertificates(combined)).isEqualTo(original.chain());
        assertThat(Pem.readPrivateKey(combined)).isEqualTo(original.key());
    }

    @Test
    void encryptedKeyIsRefusedWithAHint() throws Exception {
        KeyPair ec = TestCertificates.ec();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(ec.getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                            .setPassword("secret".toCharArray()).build()));
        }

        assertThatThrownBy(() -> Pem.readPrivateKey(out.toString()))
                .isInstanceOf(PemException.class)
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkey");
    }

    @Test
    void missingBlocksSayWhatWasExpected() {
        assertThatThrownBy(() -> Pem.readCertificates("hello"))
                .isInstanceOf(PemException.class).hasMessageContaining("BEGIN CERTIFICATE");
        assertThatThrownBy(() -> Pem.readPrivateKey(""))
                .isInstanceOf(PemException.class).hasMessageContaining("BEGIN PRIVATE KEY");
    }

    @Test
    void certifiedKeyNamesAndKeyMatch() throws Exception {
        KeyPair key = TestCertificates.ec();
        CertifiedKey certified = TestCertificates.selfSigned(key, "A.Example.com", "127.0.0.1");

        assertThat(certified.names()).containsExactly("a.example.com", "127.0.0.1");
        assertThat(certified.keyMatches()).isTrue();
        assertThat(new CertifiedKey(certified.chain(), TestCertificates.ec().getPrivate()).keyMatches()).isFalse();
        assertThat(new CertifiedKey(certified.chain(), TestCertificates.rsa().getPrivate()).keyMatches()).isFalse();
    }

    /** The traditional form as OpenSSL writes it: SEC 1 with the curve named inside, or PKCS#1. */
    private static String traditional(KeyPair pair) throws Exception {
        if (pair.getPrivate().getAlgorithm().equals("EC")) {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
            byte[] sec1 = new ECPrivateKey(256, inner.getKey(), spki.getPublicKeyData(),
                    info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
            return "-----BEGIN EC PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(sec1)
                    + "\n-----END EC PRIVATE KEY-----\n";
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pair); // BouncyCastle writes a KeyPair in the traditional (SEC 1 / PKCS#1) form
        }
        return out.toString();
    }
}
