package dev.gatehouse.storage;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM codec for certificate chains and private keys.
 *
 * <p>Writes certificates as {@code CERTIFICATE} blocks and keys as unencrypted PKCS#8 ({@code PRIVATE KEY}). Reads
 * those, and also the traditional {@code EC PRIVATE KEY} (SEC 1) and {@code RSA PRIVATE KEY} (PKCS#1) blocks that
 * certbot and {@code openssl genrsa/ecparam} write. Blocks of other kinds are skipped, so one file holding both the
 * chain and the key (HAProxy style) reads with both methods. Encrypted keys are refused with a hint.
 */
public final class Pem {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    /** All certificates in {@code pem}, in order (leaf first for a chain). */
    public static List<X509Certificate> readCertificates(String pem) throws PemException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new PemException("malformed PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new PemException("no certificate found (expected: -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** The first private key in {@code pem}: PKCS#8, SEC 1 (EC) or PKCS#1 (RSA). */
    public static PrivateKey readPrivateKey(String pem) throws PemException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new PemException("the private key is encrypted (expected: an unencrypted key; "
                            + "decrypt it with 'openssl pkey -in KEY -out KEY.plain')");
                }
                // EC PARAMETERS, certificates, public keys: not what we are looking for here.
            }
        } catch (PemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PemException("malformed PEM private key: " + e.getMessage(), e);
        }
        throw new PemException("no private key found (expected: -----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN EC PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
    }

    /** The first private key in {@code pem} with its public half recomputed (RSA CRT and EC keys). */
    public static KeyPair readKeyPair(String pem) throws PemException {
        PrivateKey key = readPrivateKey(pem);
        return new KeyPair(publicKeyOf(key), key);
    }

    /** The public half of an RSA (CRT) or EC private key. */
    public static PublicKey publicKeyOf(PrivateKey key) throws PemException {
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key instanceof ECPrivateKey ec) {
                // Q = d * G on the key's own curve.
                org.bouncycastle.math.ec.ECPoint q = EC5Util.convertSpec(ec.getParams()).getG()
                        .multiply(ec.getS()).normalize();
                ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PemException("cannot derive the public key: " + e.getMessage(), e);
        }
        throw new PemException(key.getAlgorithm() + " key: cannot derive its public key (expected: RSA or EC)");
    }

    /** {@code CERTIFICATE} blocks, one per certificate, in order. */
    public static String writeCertificates(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                block(out, "CERTIFICATE", certificate.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return out.toString();
    }

    /** An unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static String writePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key format " + key.getFormat() + " (expected: PKCS#8)");
        }
        StringBuilder out = new StringBuilder();
        block(out, "PRIVATE KEY", key.getEncoded());
        return out.toString();
    }

    /** The bytes of PEM text (ASCII by definition, RFC 7468). */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void block(StringBuilder out, String type, byte[] der) {
        out.append("-----BEGIN ").append(type).append("-----\n")
                .append(BASE64.encodeToString(der)).append('\n')
                .append("-----END ").append(type).append("-----\n");
    }
}
