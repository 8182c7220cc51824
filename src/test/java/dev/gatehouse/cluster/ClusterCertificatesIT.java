package dev.gatehouse.cluster;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.certificates.RenewRequests;
import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.RedisServer;
import dev.gatehouse.testing.TlsProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Gatehouse processes, one redis-server, one pebble: twenty names are ordered once each across the nodes and
 * every node serves every certificate; pebble validates HTTP-01 on node A's port only, so a name only node B serves
 * is validated through node A; while Redis does not answer, handshakes go on, a restarted node serves from its local
 * copy, a renewal waits, and after Redis is back the renewed certificate reaches every node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCertificatesIT {
    private static final int NAMES = 20;
    private static final String ONLY_B = "only-b.cluster.test";
    private static final Duration ISSUANCE = Duration.ofSeconds(180);

    private static RedisServer redis;
    private static Pebble pebble;
    private static TlsProbe.Trust trust;
    private static final List<Node> nodes = new ArrayList<>();
    private static final Map<String, BigInteger> serials = new HashMap<>();

    /** One Gatehouse process and what it was started with. */
    private static final class Node {
        final String name;
        final Path dir;
        final int http;
        final int https;
        final int admin;
        JarProcess process;

        Node(String name, Path dir, int http, int https, int admin) {
            this.name = name;
            this.dir = dir;
            this.http = http;
            this.https = https;
            this.admin = admin;
        }

        void start() throws Exception {
            process = JarProcess.start(dir, List.of("-Xmx128m"), "run", "--config",
                    dir.resolve("gatehouse.yaml").toString());
        }

        String log() {
            return process == null ? "" : process.stderr();
        }
    }

    static String name(int i) {
        return "n%02d.cluster.test".formatted(i);
    }

    static List<String> shared() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= NAMES; i++) {
            names.add(name(i));
        }
        return names;
    }

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start();
        int httpA = JarProcess.freePort();
        pebble = Pebble.builder().httpPort(httpA).tlsPort(JarProcess.freePort()).start();
        trust = TlsProbe.trusting(pebble.root());
        Path keyFile = Files.createTempDirectory("gatehouse-key").resolve("cluster.key");
        Files.writeString(keyFile, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        for (String n : List.of("node-a", "node-b", "node-c")) {
            Path dir = Files.createTempDirectory("gatehouse-" + n);
            Node node = new Node(n, dir, nodes.isEmpty() ? httpA : JarProcess.freePort(), JarProcess.freePort(),
                    JarProcess.freePort());
            StringBuilder sites = new StringBuilder("sites:\n");
            for (String s : shared()) {
                sites.append("  ").append(s).append(": { tls: acme, respond: { status: 200, body: \"")
                        .append(s).append("\" } }\n");
            }
            if (n.equals("node-b")) {
                sites.append("  ").append(ONLY_B).append(": { tls: acme, respond: { status: 200, body: b } }\n");
            }
            Files.writeString(dir.resolve("gatehouse.yaml"), """
                    email: ops@example.com
                    acme: { directory: "%s", trust: "%s" }
                    storage: ./data
                    listen: { http: %d, https: %d, address: 127.0.0.1 }
                    admin: { listen: "127.0.0.1:%d" }
                    cluster: { redis: "%s", node: %s, encryption_key_file: "%s" }
                    """.formatted(pebble.directory(), pebble.trustPem(), node.http, node.https, node.admin,
                    redis.uri(), n, keyFile) + sites);
            nodes.add(node);
        }
        for (Node node : nodes) {
            node.start(); // all at once: they race for every name
        }
        for (Node node : nodes) {
            node.process.awaitListening(node.admin, Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.close();
            }
        }
        if (pebble != null) {
            pebble.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The certificate {@code node} serves for {@code name}, once it chains to pebble's root; null until then. */
    private static X509Certificate awaitServed(Node node, String name, BigInteger not, Duration limit) throws Exception {
        X509Certificate leaf = TlsProbe.poll(limit, () -> TlsProbe.leaf(node.https, name, trust),
                c -> c != null && !c.getSerialNumber().equals(not));
        assertThat(leaf).as("%s serving %s within %s; its log:\n%s", node.name, name, limit, node.log()).isNotNull();
        assertThat(leaf.getSerialNumber()).isNotEqualTo(not);
        return leaf;
    }

    private static double metric(Node node, String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.admin + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Scrape.parse(r.body()).value(name);
    }

    private static int issuedByPebble() {
        Matcher m = Pattern.compile("Issued certificate serial").matcher(pebble.log());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void awaitLog(Node node, String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!node.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.name + ": no log line with \"" + text + "\" within " + limit
                        + "; log:\n" + node.log());
            }
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void everyNameIsOrderedOnceAndEveryNodeServesEveryCertificate() throws Exception {
        for (Node node : nodes) {
            for (String name : shared()) {
                X509Certificate leaf = awaitServed(node, name, null, ISSUANCE);
                BigInteger first = serials.putIfAbsent(name, leaf.getSerialNumber());
                assertThat(leaf.getSerialNumber()).as("%s on %s: the same certificate as on the others", name,
                        node.name).isEqualTo(first == null ? leaf.getSerialNumber() : first);
            }
        }
        // Pebble validates HTTP-01 on node A's port only: node B's own name was answered by node A.
        awaitServed(nodes.get(1), ONLY_B, null, ISSUANCE);
        assertThat(nodes.get(0).log()).doesNotContain("tls name=" + ONLY_B);

        double orders = 0;
        double failed = 0;
        for (Node node : nodes) {
            orders += metric(node, "gatehouse_acme_orders_total");
            failed += metric(node, "gatehouse_acme_order_failures_total");
        }
        assertThat(orders - failed).as("orders that succeeded over all nodes").isEqualTo(NAMES + 1);
        assertThat(issuedByPebble()).as("certificates pebble issued; its log:\n%s", pebble.log()).isEqualTo(NAMES + 1);
        assertThat(new HashSet<>(serials.values())).hasSize(NAMES);
        assertThat(nodes.get(1).log()).contains("tls name=" + ONLY_B + " certificate from");
    }

    @Test
    @Order(2)
    void whileRedisDoesNotAnswerHandshakesGoOnARestartedNodeServesItsCopyAndARenewalWaits() throws Exception {
        Node a = nodes.get(0);
        Node c = nodes.get(2);
        String renewed = name(1);
        redis.pause();
        try {
            awaitLog(a, "unreachable", Duration.ofSeconds(15));
            int handshakes = 0;
            List<String> failures = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (int i = 0; System.nanoTime() < end && i < 2_000; i++) {
                Node node = nodes.get(i % 2); // c is restarted below
                String name = name(1 + i % NAMES);
                try {
                    X509Certificate leaf = TlsProbe.leaf(node.https, name, trust);
                    handshakes++;
                    if (!leaf.getSerialNumber().equals(serials.get(name))) {
                        failures.add(node.name + " " + name + ": another certificate");
                    }
                } catch (Exception e) {
                    failures.add(node.name + " " + name + ": " + e);
                }
            }
            assertThat(failures).as("failed handshakes while Redis is paused").isEmpty();
            assertThat(handshakes).isPositive();

            c.process.close(); // SIGKILL, then a start while Redis still does not answer
            c.start();
            for (String name : shared()) {
                X509Certificate leaf = awaitServed(c, name, null, Duration.ofSeconds(60));
                assertThat(leaf.getSerialNumber()).as("%s from the local copy", name).isEqualTo(serials.get(name));
            }

            RenewRequests.request(new CertificateStore(new FileStorage(a.dir.resolve("data"))), renewed);
            awaitLog(a, "tls name=" + renewed + " renewal deferred", Duration.ofSeconds(30));
        } finally {
            redis.resume();
        }
        awaitLog(a, "reachable again", Duration.ofSeconds(15));
        // The deferred renewal runs once Redis is back, and every node picks the new certificate up.
        BigInteger fresh = awaitServed(a, renewed, serials.get(renewed), Duration.ofSeconds(90)).getSerialNumber();
        for (Node node : nodes.subList(1, 3)) {
            assertThat(awaitServed(node, renewed, serials.get(renewed), Duration.ofSeconds(30)).getSerialNumber())
                    .as("%s after the renewal on node A", node.name).isEqualTo(fresh);
        }
        assertThat(nodes.get(1).log()).contains("tls name=" + renewed + " serving the certificate stored by another node");
        assertThat(issuedByPebble()).isEqualTo(NAMES + 2);
    }
}
