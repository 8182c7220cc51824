package dev.gatehouse.cli;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake {@code /etc/letsencrypt} as certbot lays it out: {@code renewal/NAME.conf} with absolute paths,
 * {@code archive/NAME/fullchainN.pem} and {@code privkeyN.pem}, and {@code live/NAME/*.pem} as relative symlinks to
 * the newest version. Certificates come from a fake intermediate "Fake LE R3".
 */
final class CertbotTree {
    static final String ISSUER = "Fake LE R3";
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path root;
    private final KeyPair caKey;
    private final X509Certificate ca;

    CertbotTree(Path root) throws Exception {
        this.root = root;
        this.caKey = ec();
        this.ca = certificate(new X500Name("CN=" + ISSUER), caKey, new X500Name("CN=" + ISSUER), caKey,
                Instant.now().minusSeconds(86400), Instant.now().plusSeconds(365 * 86400L), true);
    }

    Path root() {
        return root;
    }

    /**
     * Writes version {@code version} of lineage {@code name} valid from {@code notBefore} to {@code notAfter} for
     * {@code sans}, and points live/ at it.
     */
    CertifiedKey add(String name, int version, Instant notBefore, Instant notAfter, String... sans) throws Exception {
        KeyPair key = ec();
        X509Certificate leaf = certificate(new X500Name("CN=" + sans[0]), key, new X500Name("CN=" + ISSUER), caKey,
                notBefore, notAfter, false, sans);
        CertifiedKey certified = new CertifiedKey(List.of(leaf, ca), key.getPrivate());
        Path archive = Files.createDirectories(root.resolve("archive").resolve(name));
        Path live = Files.createDirectories(root.resolve("live").resolve(name));
        Files.writeString(archive.resolve("fullchain" + version + ".pem"), Pem.writeCertificates(certified.chain()));
        Files.writeString(archive.resolve("cert" + version + ".pem"), Pem.writeCertificates(List.of(leaf)));
        Files.writeString(archive.resolve("privkey" + version + ".pem"), Pem.writePrivateKey(key.getPrivate()));
        for (String kind : List.of("fullchain", "cert", "privkey")) {
            Path link = live.resolve(kind + ".pem");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("..", "..", "archive", name, kind + version + ".pem"));
        }
        Path renewal = Files.createDirectories(root.resolve("renewal"));
        Files.writeString(renewal.resolve(name + ".conf"), """
                # renew_before_expiry = 30 days
                version = 2.9.0
                archive_dir = /etc/letsencrypt/archive/%1$s
                cert = /etc/letsencrypt/live/%1$s/cert.pem
                privkey = /etc/letsencrypt/live/%1$s/privkey.pem
                chain = /etc/letsencrypt/live/%1$s/chain.pem
                fullchain = /etc/letsencrypt/live/%1$s/fullchain.pem

                [renewalparams]
                account = 0123456789abcdef
                authenticator = webroot
                server = https://acme-v02.api.letsencrypt.org/directory
                """.formatted(name));
        return certified;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(X500Name subject, KeyPair subjectKey, X500Name issuer,
            KeyPair issuerKey, Instant notBefore, Instant notAfter, boolean ca, String... sans) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, subjectKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (sans.length > 0) {
            GeneralName[] names = new GeneralName[sans.length];
            for (int i = 0; i < sans.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, sans[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }
}
