package com.lockupguard.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * The client a per-client limit counts a connection, a write or a body against: an IPv4 address, and an IPv6 address
 * or, with a shorter prefix length, its network. Counted by address, an IPv6 host that chooses its own addresses (the
 * interface identifier of a /64 is its own) can take a fresh one, and a fresh share of the server, for each
 * connection; counted by /64 network, every host of one network shares one share, as a proxy's clients share its
 * address: every instance of an AWS subnet (exactly a /64), every pod of a Kubernetes node given a /64, every IPv4
 * client behind a NAT64 prefix. So each address is the default, and the network a choice.
 */
final class ClientNetwork {

    /** The prefix length that counts each IPv6 address alone. */
    static final int EACH_ADDRESS = 128;
    /** The shortest prefix length taken: a network wider than a /32 is an organisation's, not a client's. */
    static final int WIDEST = 32;

    private final int ipv6PrefixLength;

    /** IPv6 clients counted by their first {@code ipv6PrefixLength} bits, {@link #WIDEST} to 128. */
    ClientNetwork(int ipv6PrefixLength) {
        if (ipv6PrefixLength < WIDEST || ipv6PrefixLength > EACH_ADDRESS) {
            throw new IllegalArgumentException("an IPv6 prefix length of " + WIDEST + " to " + EACH_ADDRESS
                    + ", not " + ipv6PrefixLength);
        }
        this.ipv6PrefixLength = ipv6PrefixLength;
    }

    /** What {@code address} is counted as, written as text: itself, or (IPv6) its network with the prefix length. */
    String of(InetAddress address) {
        if (!(address instanceof Inet6Address) || ipv6PrefixLength == EACH_ADDRESS) {
            return address.getHostAddress();
        }
        byte[] network = address.getAddress();
        for (int bit = ipv6PrefixLength; bit < EACH_ADDRESS; bit++) {
            network[bit / Byte.SIZE] &= (byte) ~(0x80 >>> (bit % Byte.SIZE));
        }
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + ipv6PrefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e); // only a wrong length is refused
        }
    }

    /** What the client of {@code request} is counted as: its connection's address, or that address's network. */
    String of(HttpServletRequest request) {
        SocketAddress remote = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData()
                .getRemoteSocketAddress();
        return remote instanceof InetSocketAddress address && address.getAddress() != null
                ? of(address.getAddress()) : request.getRemoteAddr();
    }
}
