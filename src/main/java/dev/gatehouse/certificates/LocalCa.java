package dev.gatehouse.certificates;

import dev.gatehouse.config.KeyType;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.storage.StorageException;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate authority of this installation, for names no public CA will certify ({@link #covers}). Its root
 * (ECDSA P-256, 10 years, "Gatehouse Local CA &lt;random&gt;") is made once, stored with {@link CertificateStore}
 * ({@code local-ca/root.pem}, {@code root.key} 0600) and reused on every start; browsers trust its leaves once the
 * root is installed ({@code gatehouse trust}, {@link SystemTrust}). Leaves are ECDSA P-256 and live 7 days, so
 * they are cheap to renew and worth little if copied.
 *
 * <p>{@link #loadOrCreate} and {@link #issue} block (disk, key generation): run them on a certificate executor.
 */
public final class LocalCa {

    public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);
    public static final Duration LEAF_LIFETIME = Duration.ofDays(7);
    /** Leaves are back-dated by this much, for clients whose clock runs a little behind. */
    static final Duration BACKDATE = Duration.ofHours(1);
    static final String SIGNATURE = "SHA256withECDSA";
    private static final String LOCK = "local-ca";

    private static final Logger log = LoggerFactory.getLogger(LocalCa.class);

    private final CertifiedKey root;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private LocalCa(CertifiedKey root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /**
     * The stored local CA, or a new one saved to {@code storage} (under the storage lock, so processes sharing the
     * directory agree on one root). Blocking.
     */
    public static LocalCa loadOrCreate(CertificateStore storage, Clock clock) throws StorageException, InterruptedException {
        Optional<CertifiedKey> stored = storage.loadLocalCa();
        if (stored.isPresent()) {
            return new LocalCa(stored.get(), clock);
        }
        try (Storage.Lock ignored = storage.lock(LOCK)) {
            stored = storage.loadLocalCa(); // another process may have created it while we waited
            if (stored.isPresent()) {
                return new LocalCa(stored.get(), clock);
            }
            CertifiedKey root = createRoot(clock.instant());
            storage.saveLocalCa(root);
            log.info("tls local CA created name=\"{}\" dir={}", root.leaf().getSubjectX500Principal().getName(),
                    storage.describe() + "/local-ca");
            return new LocalCa(root, clock);
        }
    }

    /** The root certificate and key. */
    public CertifiedKey root() {
        return root;
    }

    /** The root certificate as PEM, for {@code gatehouse trust} and for users to import by hand. */
    public String rootPem() {
        return Pem.writeCertificates(List.of(root.leaf()));
    }

    /**
     * A new leaf for {@code names} (DNS names, {@code *.} wildcards, IPv4/IPv6 literals), valid
     * {@link #LEAF_LIFETIME}, with a fresh P-256 key. The chain is leaf, root. Blocking (key generation).
     */
    public CertifiedKey issue(List<String> names) {
        return issue(names, KeyType.ECDSA_P256);
    }

    /** {@link #issue(List)} with a fresh key of {@code keyType} (the root stays ECDSA P-256 and signs it). */
    public CertifiedKey issue(List<String> names, KeyType keyType) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("local CA: no names to certify (expected: at least one)");
        }
        KeyPair leafKey = KeyPairs.generate(keyType);
        Instant now = clock.instant();
        X509Certificate ca = root.leaf();
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            String n = stripBrackets(name.toLowerCase(Locale.ROOT));
            sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(LEAF_LIFETIME)),
                    new X500Name(new RDN[0]), leafKey.getPublic())
                    // Empty subject: the names live in the SAN, which must then be critical (RFC 5280 4.2.1.6).
                    .addExtension(Extension.subjectAlternativeName, true,
                            new GeneralNames(sans.toArray(new GeneralName[0])))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(leafKey.getPublic()));
            X509Certificate leaf = sign(builder, root.key());
            return new CertifiedKey(List.of(leaf, ca), leafKey.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("local CA: cannot issue a certificate for " + names + ": " + e, e);
        }
    }

    /**
     * Whether the local CA is the right issuer for {@code name} under {@code tls: auto}: names no public CA can
     * validate. localhost and *.localhost (RFC 6761), IP literals, the reserved or private-use suffixes .internal,
     * .test, .local (mDNS) and .home.arpa (RFC 8375), and single-label names (intranet hosts).
     */
    public static boolean covers(String name) {
        String n = stripBrackets(Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT));
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.startsWith("*.")) {
            n = n.substring(2);
        }
        if (n.isEmpty()) {
            return false;
        }
        if (isIpLiteral(n) || !n.contains(".")) {
            return true;
        }
        for (String suffix : List.of(".localhost", ".internal", ".test", ".local", ".home.arpa")) {
            if (n.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    static CertifiedKey createRoot(Instant now) {
        KeyPair key = KeyPairs.ecP256();
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Gatehouse")
                .addRDN(BCStyle.CN, "Gatehouse Local CA " + HexFormat.of().formatHex(suffix))
                .build();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(ROOT_LIFETIME)),
                    name, key.getPublic())
                    // pathLen 0: the root signs leaves directly, never another CA.
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key.getPublic()));
            return new CertifiedKey(List.of(sign(builder, key.getPrivate())), key.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("local CA: cannot create the root certificate: " + e, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private BigInteger serial() {
        return serial(random);
    }

    /** 128 random bits, positive (CA/B Forum baseline: at least 64 bits of entropy). */
    private static BigInteger serial(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return new BigInteger(1, bytes);
    }

    private static boolean isIpLiteral(String name) {
        return NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
    }

    private static String stripBrackets(String name) {
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }
}
