package dev.gatehouse.cluster;

import dev.gatehouse.acme.ChallengeResponder;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.storage.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Challenge answers shared by every node: the CA may send its HTTP-01 request or TLS-ALPN-01 handshake to any node
 * behind the DNS name or load balancer, not only to the one that placed the order. An answer is published here (this
 * node's listeners), written to a Redis hash and announced; every node puts it in its own listeners, and a node that
 * (re)connects reads the hash. Both wait for Redis (at most its timeout) before returning, so the others have it
 * before the CA is asked to validate. While Redis is away an answer is this node's only (logged).
 *
 * <p>TLS-ALPN-01 answers carry their throwaway key: it signs nothing but the one validation handshake.
 */
final class SharedChallenges implements ChallengeResponder {
    private static final Logger log = LoggerFactory.getLogger(SharedChallenges.class);
    static final String EVENT = "challenge";
    /** An answer left behind by a node that died mid-order is dropped after this long (orders expire sooner). */
    static final Duration KEEP = Duration.ofHours(1);

    private final ChallengeResponder local;
    private final RedisLink link;
    private final ClusterKeys keys;
    private final ClusterEvents events;

    SharedChallenges(ChallengeResponder local, RedisLink link, ClusterKeys keys, ClusterEvents events) {
        this.local = local;
        this.link = link;
        this.keys = keys;
        this.events = events;
    }

    void start() {
        events.on(EVENT, this::heard);
        link.onUp(this::catchUp);
    }

    @Override
    public Set<ChallengeType> available() {
        return local.available();
    }

    @Override
    public void addHttp01(String token, String keyAuthorization) {
        local.addHttp01(token, keyAuthorization);
        share(keys.http01(), token, keyAuthorization, "add http-01 " + token + " " + keyAuthorization);
    }

    @Override
    public void removeHttp01(String token) {
        local.removeHttp01(token);
        unshare(keys.http01(), token, "remove http-01 " + token);
    }

    @Override
    public void addTlsAlpn01(String name, X509Certificate challengeCert, KeyPair key) {
        local.addTlsAlpn01(name, challengeCert, key);
        String pem = Base64.getEncoder().encodeToString((Pem.writePrivateKey(key.getPrivate())
                + Pem.writeCertificates(java.util.List.of(challengeCert))).getBytes(StandardCharsets.US_ASCII));
        share(keys.tlsAlpn01(), name, pem, "add tls-alpn-01 " + name + " " + pem);
    }

    @Override
    public void removeTlsAlpn01(String name) {
        local.removeTlsAlpn01(name);
        unshare(keys.tlsAlpn01(), name, "remove tls-alpn-01 " + name);
    }

    private void share(String hash, String field, String value, String message) {
        long expires = System.currentTimeMillis() + KEEP.toMillis();
        try {
            link.call(c -> c.hset(hash, field, (expires + " " + value).getBytes(StandardCharsets.US_ASCII)),
                    link.timeout()).get(link.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
            events.send(EVENT, message).get(link.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("cluster: challenge {} answered by this node only (Redis unreachable: {}); a validation "
                    + "request reaching another node fails", field, RedisLink.describe(e));
        }
    }

    private void unshare(String hash, String field, String message) {
        link.call(c -> c.hdel(hash, field), link.timeout()).exceptionally(e -> 0L);
        events.publish(EVENT, message);
    }

    /** {@code add http-01 TOKEN KEYAUTH}, {@code remove tls-alpn-01 NAME}, ... from any node (this one too). */
    private void heard(String message) {
        String[] parts = message.split(" ", 4);
        if (parts.length < 3) {
            return;
        }
        boolean add = parts[0].equals("add") && parts.length == 4;
        try {
            if (parts[1].equals("http-01")) {
                if (add) {
                    local.addHttp01(parts[2], parts[3]);
                } else if (parts[0].equals("remove")) {
                    local.removeHttp01(parts[2]);
                }
            } else if (parts[1].equals("tls-alpn-01")) {
                if (add) {
                    addTlsAlpn01Locally(parts[2], parts[3]);
                } else if (parts[0].equals("remove")) {
                    local.removeTlsAlpn01(parts[2]);
                }
            }
        } catch (RuntimeException | dev.gatehouse.storage.PemException e) {
            log.warn("cluster: ignored a challenge answer from another node: {}", e.getMessage());
        }
    }

    private void addTlsAlpn01Locally(String name, String encoded) throws dev.gatehouse.storage.PemException {
        String pem = new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
        local.addTlsAlpn01(name, Pem.readCertificates(pem).get(0), Pem.readKeyPair(pem));
    }

    /** After a (re)connection: the answers of orders in progress elsewhere; expired ones are dropped. */
    private void catchUp() {
        catchUp(keys.http01(), (field, value) -> local.addHttp01(field, value));
        catchUp(keys.tlsAlpn01(), (field, value) -> {
            try {
                addTlsAlpn01Locally(field, value);
            } catch (dev.gatehouse.storage.PemException e) {
                log.warn("cluster: ignored a shared tls-alpn-01 answer for {}: {}", field, e.getMessage());
            }
        });
    }

    private void catchUp(String hash, java.util.function.BiConsumer<String, String> apply) {
        Map<String, byte[]> all = link.sync(c -> c.hgetall(hash));
        long now = System.currentTimeMillis();
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            String[] v = new String(e.getValue(), StandardCharsets.US_ASCII).split(" ", 2);
            if (v.length == 2 && Long.parseLong(v[0]) > now) {
                apply.accept(e.getKey(), v[1]);
            } else {
                link.call(c -> c.hdel(hash, e.getKey()), link.timeout()).exceptionally(x -> 0L);
            }
        }
    }
}
