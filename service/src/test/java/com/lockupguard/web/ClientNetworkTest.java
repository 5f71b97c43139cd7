package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the per-client limits count a client as: an IPv4 address alone, an IPv6 address alone or by its network. */
class ClientNetworkTest {

    private static String of(int prefixLength, String literal) throws Exception {
        return new ClientNetwork(prefixLength).of(InetAddress.getByName(literal));
    }

    @Test
    void shouldCountEachIpv6AddressAloneByDefault() throws Exception {
        // given / when / then two addresses of one /64 are two clients, each its address
        assertThat(of(ClientNetwork.EACH_ADDRESS, "2001:db8:1:2::1")).isEqualTo("2001:db8:1:2:0:0:0:1");
        assertThat(of(ClientNetwork.EACH_ADDRESS, "2001:db8:1:2::2"))
                .isNotEqualTo(of(ClientNetwork.EACH_ADDRESS, "2001:db8:1:2::1"));
    }

    @Test
    void shouldCountEveryAddressOfOneIpv6NetworkAsOneClientAtAPrefixLengthOf64() throws Exception {
        // given two addresses a host of 2001:db8:1:2::/64 may take for itself
        // when each is counted by its /64
        // then both are that network
        assertThat(of(64, "2001:db8:1:2::1")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(of(64, "2001:db8:1:2:ffff:ffff:ffff:fffe")).isEqualTo(of(64, "2001:db8:1:2::1"));
    }

    @Test
    void shouldCountTwoIpv6NetworksApart() throws Exception {
        // given / when / then addresses of neighbouring /64 networks are two clients
        assertThat(of(64, "2001:db8:1:2::1")).isNotEqualTo(of(64, "2001:db8:1:3::1"));
    }

    @Test
    void shouldCutAPrefixLengthThatIsNoWholeNumberOfBytesAtItsBit() throws Exception {
        // given / when / then a /56 keeps 2001:db8:1:2ff's first 56 bits, and a /60 four more
        assertThat(of(56, "2001:db8:1:2ff::1")).isEqualTo("2001:db8:1:200:0:0:0:0/56");
        assertThat(of(60, "2001:db8:1:2ff::1")).isEqualTo("2001:db8:1:2f0:0:0:0:0/60");
    }

    @Test
    void shouldCountEachIpv4AddressApartAndAMappedOneAsItsIpv4Address() throws Exception {
        // given / when / then IPv4 addresses are clients by themselves, also when the IPv6 socket says them mapped
        assertThat(of(64, "192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(of(64, "192.0.2.2")).isNotEqualTo(of(64, "192.0.2.1"));
        assertThat(of(64, "::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void shouldRefuseAPrefixLengthWiderThanA32OrLongerThanAnAddress() {
        // given / when / then
        assertThatThrownBy(() -> new ClientNetwork(31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientNetwork(129)).isInstanceOf(IllegalArgumentException.class);
    }
}
