package dev.gatehouse.http;

import dev.gatehouse.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressesTest {
    private final ClientAddresses clients = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

    private String client(String peer, String... headerPairs) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.add(headerPairs[i], headerPairs[i + 1]);
        }
        return NetUtil.toAddressString(clients.resolve(ip(peer), h));
    }

    private static InetAddress ip(String s) {
        return ClientAddresses.parseNode(s);
    }

    @Test
    void untrustedPeerIsTheClientWhateverItsHeadersSay() {
        assertThat(client("192.0.2.9", "X-Forwarded-For", "1.2.3.4")).isEqualTo("192.0.2.9");
        assertThat(client("192.0.2.9", "Forwarded", "for=1.2.3.4")).isEqualTo("192.0.2.9");
    }

    @Test
    void trustedPeerWithoutHeadersIsTheClient() {
        assertThat(client("10.1.1.1")).isEqualTo("10.1.1.1");
    }

    @Test
    void rightMostUntrustedHopOfXForwardedFor() {
        assertThat(client("10.1.1.1", "X-Forwarded-For", "6.6.6.6, 192.0.2.7, 10.2.2.2")).isEqualTo("192.0.2.7");
        // several header lines are one list, in order
        assertThat(client("10.1.1.1", "X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "192.0.2.8"))
                .isEqualTo("192.0.2.8");
    }

    @Test
    void allHopsTrustedGivesTheLeftMost() {
        assertThat(client("10.1.1.1", "X-Forwarded-For", "10.3.3.3, 10.2.2.2")).isEqualTo("10.3.3.3");
    }

    @Test
    void garbageEndsTheWalkAtTheLastTrustedHop() {
        assertThat(client("10.1.1.1", "X-Forwarded-For", "192.0.2.1, nonsense, 10.2.2.2")).isEqualTo("10.2.2.2");
        assertThat(client("10.1.1.1", "X-Forwarded-For", "nonsense")).isEqualTo("10.1.1.1");
    }

    @Test
    void portsAndBracketsAreAccepted() {
        assertThat(client("10.1.1.1", "X-Forwarded-For", "192.0.2.5:4711")).isEqualTo("192.0.2.5");
        assertThat(client("10.1.1.1", "X-Forwarded-For", "[2001:db8::5]:4711")).isEqualTo("2001:db8::5");
        assertThat(client("10.1.1.1", "X-Forwarded-For", "2001:db8::6")).isEqualTo("2001:db8::6");
        assertThat(client("10.1.1.1", "X-Forwarded-For", "192.0.2.5:notaport")).isEqualTo("10.1.1.1");
    }

    @Test
    void forwardedIsReadWhenThereIsNoXForwardedFor() {
        assertThat(client("::1", "Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\""))
                .isEqualTo("2001:db8:cafe::17");
        assertThat(client("::1", "Forwarded", "For=\"192.0.2.43\", for=10.0.0.1")).isEqualTo("192.0.2.43");
        assertThat(client("::1", "Forwarded", "for=unknown, for=10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(client("::1", "Forwarded", "for=_hidden")).isEqualTo("::1");
        assertThat(client("::1", "Forwarded", "proto=https")).isEqualTo("::1");
        assertThat(client("::1", "X-Forwarded-For", "192.0.2.1", "Forwarded", "for=192.0.2.2")).isEqualTo("192.0.2.1");
    }

    @Test
    void quotedCommasDoNotSplitForwardedElements() {
        assertThat(client("::1", "Forwarded", "for=192.0.2.3;ext=\"a,b\"")).isEqualTo("192.0.2.3");
    }

    @Test
    void ipv4MappedPeersMatchIpv4Ranges() {
        assertThat(client("::ffff:10.1.1.1", "X-Forwarded-For", "192.0.2.4")).isEqualTo("192.0.2.4");
    }

    @Test
    void withoutTrustedProxiesHeadersAreIgnored() {
        ClientAddresses none = new ClientAddresses(List.of());
        HttpHeaders h = new DefaultHttpHeaders().add("X-Forwarded-For", "1.2.3.4");
        assertThat(NetUtil.toAddressString(none.resolve(ip("10.1.1.1"), h))).isEqualTo("10.1.1.1");
    }
}
