package com.lockupguard.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * The client a per-client limit counts a connection or a write against: an IPv4 address, or the /64 network of an
 * IPv6 address. An IPv6 host is given a whole /64 (its interface identifier is its own to choose), so that counted by
 * address, one host could take a fresh address for each connection and hold a share of the server with each. Hosts of
 * one /64 network share one share, as the clients of one proxy or NAT gateway share its IPv4 address.
 */
final class ClientNetwork {

    /** The bits of an IPv6 address that name its network: the rest name a host on it, which the host chooses. */
    static final int IPV6_NETWORK_BITS = 64;

    private ClientNetwork() {
    }

    /** What {@code address} is counted as: itself (IPv4), or its /64 network (IPv6), written as text. */
    static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] network = address.getAddress();
        Arrays.fill(network, IPV6_NETWORK_BITS / Byte.SIZE, network.length, (byte) 0);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + IPV6_NETWORK_BITS;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e); // only a wrong length is refused
        }
    }

    /** What the client of {@code request} is counted as: its connection's address, or that address's /64 network. */
    static String of(HttpServletRequest request) {
        SocketAddress remote = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData()
                .getRemoteSocketAddress();
        return remote instanceof InetSocketAddress address && address.getAddress() != null
                ? of(address.getAddress()) : request.getRemoteAddr();
    }
}
