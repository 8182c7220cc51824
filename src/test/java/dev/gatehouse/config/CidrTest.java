package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4RangeContainsItsAddressesOnly() throws Exception {
        Cidr range = Cidr.parse("10.0.0.0/8");
        assertThat(range.contains(InetAddress.getByName("10.255.1.2"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    }

    @Test
    void bareAddressIsASingleHost() throws Exception {
        Cidr host = Cidr.parse("192.168.1.10");
        assertThat(host.contains(InetAddress.getByName("192.168.1.10"))).isTrue();
        assertThat(host.contains(InetAddress.getByName("192.168.1.11"))).isFalse();
    }

    @Test
    void ipv6RangeAndLoopback() throws Exception {
        assertThat(Cidr.parse("::1").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db9::5"))).isFalse();
    }

    @Test
    void ipv4MappedIpv6MatchesIpv4Range() throws Exception {
        // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; they must still match 10.0.0.0/8.
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3});
        assertThat(Cidr.parse("10.0.0.0/8").contains(mapped)).isTrue();
    }

    @Test
    void familiesDoNotMix() throws Exception {
        assertThat(Cidr.parse("::/0").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void hostBitsAreMaskedSoEqualRangesAreEqual() {
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"))
                .hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/16"));
        assertThat(Cidr.parse(" 10.0.0.0/8 ")).hasToString("10.0.0.0/8");
    }

    @Test
    void rejectsHostNamesWithoutALookup() {
        assertThatThrownBy(() -> Cidr.parse("localhost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"localhost\" is not an IP address range (expected: like 10.0.0.0/8 or ::1)");
        assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsPrefixOutOfRange() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("\"10.0.0.0/33\": prefix length (expected: 0..32)");
        assertThatThrownBy(() -> Cidr.parse("::1/129")).hasMessageContaining("(expected: 0..128)");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
