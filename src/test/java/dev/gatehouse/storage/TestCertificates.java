package dev.gatehouse.storage;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Small certificates for storage tests (the local CA lives in tls, which storage must not depend on). */
public final class TestCertificates {

    private TestCertificates() {
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A certificate for {@code subjectKey} signed by {@code issuerKey}; names with a digit first are IPs. */
    public static X509Certificate certificate(String subject, PublicKey subjectKey, String issuer, PrivateKey issuerKey,
            boolean ca, String... names) throws Exception {
        Instant now = Instant.now();
        return certificate(subject, subjectKey, issuer, issuerKey, ca, now.minus(1, ChronoUnit.HOURS),
                now.plus(30, ChronoUnit.DAYS), names);
    }

    /** {@link #certificate(String, PublicKey, String, PrivateKey, boolean, String...)} valid from and until. */
    public static X509Certificate certificate(String subject, PublicKey subjectKey, String issuer, PrivateKey issuerKey,
            boolean ca, Instant notBefore, Instant notAfter, String... names) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(notBefore),
                Date.from(notAfter), new X500Name("CN=" + subject), subjectKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (names.length > 0) {
            GeneralName[] sans = new GeneralName[names.length];
            for (int i = 0; i < names.length; i++) {
                boolean ip = Character.isDigit(names[i].charAt(0)) || names[i].contains(":");
                sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    }

    /** A self-signed leaf for {@code names} with a fresh key of the given kind. */
    public static CertifiedKey selfSigned(KeyPair key, String... names) throws Exception {
        X509Certificate cert = certificate(names[0], key.getPublic(), names[0], key.getPrivate(), false, names);
        return new CertifiedKey(List.of(cert), key.getPrivate());
    }

    /** A leaf signed by a fresh CA that expired {@code ago}: chain leaf, CA. */
    public static CertifiedKey expired(java.time.Duration ago, String... names) throws Exception {
        KeyPair ca = ec();
        KeyPair leaf = ec();
        Instant notAfter = Instant.now().minus(ago);
        Instant notBefore = notAfter.minus(90, ChronoUnit.DAYS);
        X509Certificate caCert = certificate("Test CA", ca.getPublic(), "Test CA", ca.getPrivate(), true, notBefore,
                notAfter.plus(365, ChronoUnit.DAYS));
        X509Certificate leafCert = certificate(names[0], leaf.getPublic(), "Test CA", ca.getPrivate(), false,
                notBefore, notAfter, names);
        return new CertifiedKey(List.of(leafCert, caCert), leaf.getPrivate());
    }

    /** A leaf signed by a fresh CA: chain leaf, CA. */
    public static CertifiedKey withChain(String... names) throws Exception {
        KeyPair ca = ec();
        KeyPair leaf = ec();
        X509Certificate caCert = certificate("Test CA", ca.getPublic(), "Test CA", ca.getPrivate(), true);
        X509Certificate leafCert = certificate(names[0], leaf.getPublic(), "Test CA", ca.getPrivate(), false, names);
        return new CertifiedKey(List.of(leafCert, caCert), leaf.getPrivate());
    }
}
