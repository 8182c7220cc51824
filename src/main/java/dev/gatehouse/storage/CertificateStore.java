package dev.gatehouse.storage;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Certificates, keys, ACME accounts and the local CA laid out on any {@link Storage}. The keys are those of the
 * directory layout in {@code docs/storage.md}, so a file store reads the same tree whichever version wrote it:
 *
 * <pre>
 * certificates/&lt;name&gt;/cert.pem          chain, leaf first                       PUBLIC
 * certificates/&lt;name&gt;/key.pem           PKCS#8 private key of the leaf           SECRET
 * certificates/&lt;name&gt;/meta.properties   {@link CertificateMeta}                     PUBLIC
 * accounts/&lt;directory-host&gt;/account.key  ACME account key (host[_port] of the URL)  SECRET
 * local-ca/root.pem, local-ca/root.key   the local CA                              PUBLIC, SECRET
 * requests/renew/&lt;name&gt;, requests/reload/&lt;name&gt;   requests from other processes   PUBLIC
 * </pre>
 *
 * A name is lower-cased; {@code *.example.com} is stored as {@code _wildcard_.example.com} (a star in a file name
 * trips shells and globs). Anything that is not a host name or IP literal is refused, so no name can leave its place.
 * Blocking like the storage below it.
 */
public final class CertificateStore {

    static final String WILDCARD_PREFIX = "_wildcard_.";
    private static final String CERTIFICATES = "certificates";
    private static final String REQUESTS = "requests";
    /** Host names, IP literals, and a {@code +suffix} naming one of several certificates of a site (key types). */
    private static final Pattern NAME = Pattern.compile("(\\*\\.)?[a-z0-9_:\\[\\]-]+(\\.[a-z0-9_-]+)*(\\+[a-z0-9-]+)?");

    private final Storage storage;

    public CertificateStore(Storage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** The store below. */
    public Storage storage() {
        return storage;
    }

    /** {@link Storage#open()}. */
    public void open() throws StorageException {
        storage.open();
    }

    /** Where the values live, for messages. */
    public String describe() {
        return storage.describe();
    }

    // ---- certificates ------------------------------------------------------------------------------------------

    /** The key prefix of {@code name}'s values. */
    public static String certificateKey(String name) {
        return CERTIFICATES + "/" + fileName(name);
    }

    /** The stored certificate for {@code name}, or empty when there is none (yet). */
    public Optional<CertifiedKey> loadCertificate(String name) throws StorageException {
        String dir = certificateKey(name);
        Optional<String> cert = text(dir + "/cert.pem");
        Optional<String> key = text(dir + "/key.pem");
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        String where = storage.describe() + "/" + dir;
        try {
            CertifiedKey certified = new CertifiedKey(Pem.readCertificates(cert.get()), Pem.readPrivateKey(key.get()));
            if (!certified.keyMatches()) {
                throw new StorageException("storage: " + where + "/key.pem does not match " + where
                        + "/cert.pem (expected: the private key of the first certificate)");
            }
            return Optional.of(certified);
        } catch (PemException e) {
            throw new StorageException("storage: " + where + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code certificate} for {@code name}, replacing any previous one atomically (key SECRET). */
    public void saveCertificate(String name, CertifiedKey certificate) throws StorageException {
        storage.putAll(certificateEntries(name, certificate));
    }

    /**
     * {@link #saveCertificate(String, CertifiedKey)} by the holder of {@code fence} (the lock of {@code name}): refused
     * when the lock was lost meanwhile, so a holder that stalled cannot replace a newer certificate.
     */
    public void saveCertificate(String name, CertifiedKey certificate, Storage.Lock fence) throws StorageException {
        storage.putAll(certificateEntries(name, certificate), fence);
    }

    private static List<Storage.Entry> certificateEntries(String name, CertifiedKey certificate) {
        String dir = certificateKey(name);
        // Key first: a reader between the two replacements sees a mismatch (reported), never a foreign key served.
        return List.of(
                new Storage.Entry(dir + "/key.pem", Pem.bytes(Pem.writePrivateKey(certificate.key())),
                        Storage.Visibility.SECRET),
                new Storage.Entry(dir + "/cert.pem", Pem.bytes(Pem.writeCertificates(certificate.chain())),
                        Storage.Visibility.PUBLIC));
    }

    /**
     * Calls {@code listener} with the storage name ({@link #fileName}) of each certificate another process replaced
     * on a shared backend (see {@link Storage#onChange}).
     */
    public void onCertificateChange(Consumer<String> listener) {
        String prefix = CERTIFICATES + "/";
        storage.onChange(key -> {
            if (key.startsWith(prefix) && key.endsWith("/cert.pem")) {
                String file = key.substring(prefix.length(), key.length() - "/cert.pem".length());
                if (!file.contains("/")) {
                    listener.accept(file);
                }
            }
        });
    }

    /** The stored meta data for {@code name}, or empty. */
    public Optional<CertificateMeta> loadMeta(String name) throws StorageException {
        String key = certificateKey(name) + "/meta.properties";
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(text.get()));
            return Optional.of(new CertificateMeta(
                    CertificateMeta.Source.parse(p.getProperty("source", "")),
                    opt(p, "issuer", Function.identity()),
                    opt(p, "directory", URI::create),
                    opt(p, "not_after", Instant::parse),
                    opt(p, "last_error", Function.identity()),
                    opt(p, "last_attempt", Instant::parse),
                    opt(p, "next_renewal", Instant::parse)));
        } catch (IOException | RuntimeException e) {
            throw new StorageException("storage: " + storage.describe() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code meta} for {@code name} atomically. */
    public void saveMeta(String name, CertificateMeta meta) throws StorageException {
        Map<String, String> values = new TreeMap<>();
        values.put("source", meta.source().key());
        meta.issuer().ifPresent(v -> values.put("issuer", v));
        meta.directory().ifPresent(v -> values.put("directory", v.toString()));
        meta.notAfter().ifPresent(v -> values.put("not_after", v.toString()));
        meta.lastError().ifPresent(v -> values.put("last_error", v));
        meta.lastAttempt().ifPresent(v -> values.put("last_attempt", v.toString()));
        meta.nextRenewal().ifPresent(v -> values.put("next_renewal", v.toString()));
        StringBuilder out = new StringBuilder("# written by gatehouse; see docs/storage.md\n");
        values.forEach((k, v) -> out.append(k).append('=').append(escape(v)).append('\n'));
        storage.put(certificateKey(name) + "/meta.properties", out.toString().getBytes(StandardCharsets.UTF_8),
                Storage.Visibility.PUBLIC);
    }

    /** Names of all stored certificates ({@code *.example.com} for wildcards), sorted. */
    public List<String> certificateNames() throws StorageException {
        List<String> names = new ArrayList<>();
        for (String key : storage.list(CERTIFICATES, false)) {
            String file = key.substring(CERTIFICATES.length() + 1);
            names.add(file.startsWith(WILDCARD_PREFIX) ? "*." + file.substring(WILDCARD_PREFIX.length()) : file);
        }
        names.sort(null);
        return names;
    }

    /** Deletes {@code name}'s values; true when there was something to delete. */
    public boolean deleteCertificate(String name) throws StorageException {
        return storage.delete(certificateKey(name));
    }

    // ---- ACME accounts -----------------------------------------------------------------------------------------

    /** The key of the account key for an ACME directory: {@code accounts/<host[_port]>/account.key}. */
    public static String accountKey(URI directory) {
        String host = Objects.requireNonNull(directory.getHost(), () -> "ACME directory URL without host: " + directory);
        String dir = directory.getPort() < 0 ? host : host + "_" + directory.getPort();
        return "accounts/" + fileName(dir) + "/account.key";
    }

    /** The account key pair for an ACME directory, or empty when no account was created there yet. */
    public Optional<KeyPair> loadAccountKey(URI directory) throws StorageException {
        String key = accountKey(directory);
        Optional<String> pem = text(key);
        if (pem.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.readKeyPair(pem.get()));
        } catch (PemException e) {
            throw new StorageException("storage: " + storage.describe() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Stores the account key for an ACME directory (SECRET). */
    public void saveAccountKey(URI directory, PrivateKey key) throws StorageException {
        storage.put(accountKey(directory), Pem.bytes(Pem.writePrivateKey(key)), Storage.Visibility.SECRET);
    }

    // ---- local CA ----------------------------------------------------------------------------------------------

    /** The key of the local CA's root certificate ({@code local-ca/root.pem}). */
    public static final String LOCAL_CA_ROOT = "local-ca/root.pem";
    private static final String LOCAL_CA_KEY = "local-ca/root.key";

    /** The local CA's root certificate and key, or empty before it is first created. */
    public Optional<CertifiedKey> loadLocalCa() throws StorageException {
        Optional<String> cert = text(LOCAL_CA_ROOT);
        Optional<String> key = text(LOCAL_CA_KEY);
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CertifiedKey(Pem.readCertificates(cert.get()), Pem.readPrivateKey(key.get())));
        } catch (PemException e) {
            throw new StorageException("storage: " + storage.describe() + "/local-ca: " + e.getMessage(), e);
        }
    }

    /** Stores the local CA (root.key SECRET). */
    public void saveLocalCa(CertifiedKey root) throws StorageException {
        storage.putAll(List.of(
                new Storage.Entry(LOCAL_CA_KEY, Pem.bytes(Pem.writePrivateKey(root.key())), Storage.Visibility.SECRET),
                new Storage.Entry(LOCAL_CA_ROOT, Pem.bytes(Pem.writeCertificates(root.chain())),
                        Storage.Visibility.PUBLIC)));
    }

    // ---- requests from other processes -------------------------------------------------------------------------

    /** Leaves a request of {@code kind} ({@code renew}, {@code reload}) for {@code name}; returns its key. */
    public String leaveRequest(String kind, String name) throws StorageException {
        String key = REQUESTS + "/" + Keys.check(kind) + "/" + fileName(name);
        storage.put(key, (name + "\n").getBytes(StandardCharsets.UTF_8), Storage.Visibility.PUBLIC);
        return key;
    }

    /** Takes (reads and deletes) the pending requests of {@code kind}: the names asked for. */
    public List<String> takeRequests(String kind) throws StorageException {
        List<String> names = new ArrayList<>();
        for (String key : storage.list(REQUESTS + "/" + Keys.check(kind), false)) {
            Optional<String> name = text(key).map(String::trim);
            storage.delete(key);
            name.filter(n -> !n.isEmpty()).ifPresent(names::add);
        }
        return names;
    }

    // ---- locks -------------------------------------------------------------------------------------------------

    /** {@link #lock(String, Duration)} with {@link Storage#DEFAULT_LOCK_WAIT}. */
    public Storage.Lock lock(String name) throws StorageException, InterruptedException {
        return lock(name, Storage.DEFAULT_LOCK_WAIT);
    }

    /** The storage lock for certificate {@code name} (or another fixed name such as {@code local-ca}). */
    public Storage.Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException {
        return storage.lock(fileName(name), maxWait);
    }

    // ---- names -------------------------------------------------------------------------------------------------

    /**
     * The storage name for a certificate name: lower case, {@code *.} replaced by {@code _wildcard_.}. Refuses
     * anything that is not a host name or IP literal (with an optional {@code +suffix}), so no name can escape its
     * place.
     */
    public static String fileName(String name) {
        String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        if (!NAME.matcher(lower).matches() || lower.contains("..") || lower.length() > 255) {
            throw new IllegalArgumentException("certificate name \"" + name
                    + "\" (expected: a host name such as app.example.com or *.example.com, or an IP address)");
        }
        return lower.startsWith("*.") ? WILDCARD_PREFIX + lower.substring(2) : lower;
    }

    private Optional<String> text(String key) throws StorageException {
        return storage.get(key).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private static <T> Optional<T> opt(Properties p, String key, Function<String, T> parse) {
        String value = p.getProperty(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(parse.apply(value));
    }

    /** Escapes a value for {@link Properties#load}: backslashes, line breaks, and leading blanks. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
