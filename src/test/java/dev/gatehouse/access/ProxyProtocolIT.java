package dev.gatehouse.access;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code listen: { proxy_protocol: true }} with a raw client writing PROXY v1 and v2 headers by hand. */
@Timeout(60)
class ProxyProtocolIT {
    private static final String REQUEST = "GET /who HTTP/1.1\r\nHost: example.test\r\n\r\n";
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static TestGatehouse start(TestBackend backend, String listenExtra, String rootYaml) throws Exception {
        return TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, " + listenExtra + " }",
                rootYaml + """
                        sites:
                          example.test: { upstream: app }
                        upstreams:
                          app: { targets: [%s] }
                        """.formatted(backend.address()), Files.createTempDirectory("gatehouse-proxy-protocol"));
    }

    /** A v2 header: PROXY (or LOCAL) over TCP, IPv4 or IPv6 by the addresses' length. */
    static byte[] v2(boolean local, String source, int sourcePort, String destination, int destinationPort)
            throws Exception {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        ByteBuffer b = ByteBuffer.allocate(16 + src.length * 2 + 4);
        b.put(V2_SIGNATURE).put((byte) (local ? 0x20 : 0x21)).put((byte) (src.length == 4 ? 0x11 : 0x21))
                .putShort((short) (src.length * 2 + 4)).put(src).put(dst)
                .putShort((short) sourcePort).putShort((short) destinationPort);
        return b.array();
    }

    private static byte[] concat(byte[] a, String b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void v1HeaderNamesTheClient() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = start(backend, "proxy_protocol: true", "");
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("PROXY TCP4 192.0.2.10 127.0.0.1 5555 80\r\n" + REQUEST).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains("header: x-real-ip: 192.0.2.10", "header: x-forwarded-for: 192.0.2.10");
            // the same connection goes on with the same client
            assertThat(c.send(REQUEST).read().bodyText()).contains("header: x-real-ip: 192.0.2.10");
        }
    }

    @Test
    void v1HeaderAloneInItsOwnPacketThenTheRequest() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = start(backend, "proxy_protocol: true", "");
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("PROXY TCP6 2001:db8::10 ::1 5555 80\r\n");
            Thread.sleep(200);
            assertThat(c.send(REQUEST).read().bodyText()).contains("header: x-real-ip: 2001:db8::10");
        }
    }

    @Test
    void v2HeadersForIpv4AndIpv6() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = start(backend, "proxy_protocol: true", "")) {
            try (RawConnection c = RawConnection.connect(gh.port())) {
                RawConnection.Response r = c.send(concat(v2(false, "198.51.100.4", 40000, "127.0.0.1", 80), REQUEST))
                        .read();
                assertThat(r.bodyText()).contains("header: x-real-ip: 198.51.100.4");
            }
            try (RawConnection c = RawConnection.connect(gh.port())) {
                RawConnection.Response r = c.send(concat(v2(false, "2001:db8::44", 40000, "::1", 80), REQUEST)).read();
                assertThat(r.bodyText()).contains("header: x-real-ip: 2001:db8::44");
            }
            // LOCAL: the balancer's own connection (a health check); the socket's address stays the peer
            try (RawConnection c = RawConnection.connect(gh.port())) {
                RawConnection.Response r = c.send(concat(v2(true, "198.51.100.4", 1, "127.0.0.1", 80), REQUEST))
                        .read();
                assertThat(r.bodyText()).contains("header: x-real-ip: 127.0.0.1");
            }
        }
    }

    @Test
    void aConnectionWithoutOrWithABadHeaderIsClosedWithALogLine() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             LogCapture log = LogCapture.of("dev.gatehouse");
             TestGatehouse gh = start(backend, "proxy_protocol: true", "")) {
            try (RawConnection c = RawConnection.connect(gh.port())) {
                c.send(REQUEST);
                assertThat(c.closedByPeer()).isTrue();
            }
            try (RawConnection c = RawConnection.connect(gh.port())) {
                c.send("PROXY TCP4 not-an-address 127.0.0.1 5555 80\r\n" + REQUEST);
                assertThat(c.closedByPeer()).isTrue();
            }
            assertThat(log.await(l -> l.contains("no valid PROXY protocol header"), Duration.ofSeconds(5)))
                    .isNotNull();
            assertThat(backend.requestCount()).isZero();
        }
    }

    @Test
    void proxyProtocolFromRequiresTheHeaderOnlyFromThosePeers() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = start(backend, "proxy_protocol: true, proxy_protocol_from: [127.0.0.2]", "")) {
            try (RawConnection direct = RawConnection.connectFrom("127.0.0.3", gh.port())) {
                assertThat(direct.send(REQUEST).read().bodyText()).contains("header: x-real-ip: 127.0.0.3");
            }
            try (RawConnection balancer = RawConnection.connectFrom("127.0.0.2", gh.port())) {
                RawConnection.Response r = balancer.send("PROXY TCP4 192.0.2.20 127.0.0.1 5555 80\r\n" + REQUEST)
                        .read();
                assertThat(r.bodyText()).contains("header: x-real-ip: 192.0.2.20");
            }
            try (RawConnection balancer = RawConnection.connectFrom("127.0.0.2", gh.port())) {
                balancer.send(REQUEST);
                assertThat(balancer.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void theAnnouncedPeerIsWhatTrustedProxiesApplyTo() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = start(backend, "proxy_protocol: true", "trusted_proxies: [10.0.0.0/8]\n");
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("PROXY TCP4 10.1.2.3 127.0.0.1 5555 80\r\n"
                    + "GET /who HTTP/1.1\r\nHost: example.test\r\nX-Forwarded-For: 192.0.2.99\r\n\r\n").read();
            assertThat(r.bodyText()).contains("header: x-real-ip: 192.0.2.99",
                    "header: x-forwarded-for: 192.0.2.99, 10.1.2.3");
        }
    }
}
