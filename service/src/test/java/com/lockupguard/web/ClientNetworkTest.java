package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the per-client limits count a client as: an IPv4 address alone, an IPv6 address by its /64 network. */
class ClientNetworkTest {

    private static String of(String literal) throws Exception {
        return ClientNetwork.of(InetAddress.getByName(literal));
    }

    @Test
    void shouldCountEveryAddressOfOneIpv6NetworkAsOneClient() throws Exception {
        // given two addresses a host of 2001:db8:1:2::/64 may take for itself
        // when each is counted
        // then both are that network
        assertThat(of("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(of("2001:db8:1:2:ffff:ffff:ffff:fffe")).isEqualTo(of("2001:db8:1:2::1"));
    }

    @Test
    void shouldCountTwoIpv6NetworksApart() throws Exception {
        // given / when / then addresses of neighbouring /64 networks are two clients
        assertThat(of("2001:db8:1:2::1")).isNotEqualTo(of("2001:db8:1:3::1"));
    }

    @Test
    void shouldCountEachIpv4AddressApartAndAMappedOneAsItsIpv4Address() throws Exception {
        // given / when / then IPv4 addresses are clients by themselves, also when the IPv6 socket says them mapped
        assertThat(of("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(of("192.0.2.2")).isNotEqualTo(of("192.0.2.1"));
        assertThat(of("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void shouldCountTheIpv6LoopbackAsItsNetwork() throws Exception {
        // given / when / then ::1 is in ::/64, which no other host's address is
        assertThat(of("::1")).isEqualTo("0:0:0:0:0:0:0:0/64");
    }
}
