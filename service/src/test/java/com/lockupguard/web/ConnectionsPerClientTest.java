package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.Test;

/** The connections one client may have open at once: an address, or an IPv6 network when so configured. */
class ConnectionsPerClientTest {

    /** A connection from {@code address}, whose end point says whether it was closed. */
    private record Opened(Connection connection, AtomicBoolean closed) {
    }

    private static Opened from(String address) throws Exception {
        return from(address, EndPoint.class);
    }

    /** The HTTP connection over a TLS one from {@code address}: on the end point that decrypts, a wrapper. */
    private static Opened decryptedFrom(String address) throws Exception {
        return from(address, EndPoint.class, EndPoint.Wrapper.class);
    }

    private static Opened from(String address, Class<?>... endPointTypes) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(address), 40_000);
        AtomicBoolean closed = new AtomicBoolean();
        EndPoint endPoint = (EndPoint) Proxy.newProxyInstance(EndPoint.class.getClassLoader(),
                endPointTypes, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteSocketAddress" -> remote;
                    case "close" -> {
                        closed.set(true);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Connection connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getEndPoint" -> endPoint;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new Opened(connection, closed);
    }

    @Test
    void shouldCloseAConnectionPastTheLimitFromAnotherAddressOfTheSameIpv6Network() throws Exception {
        // given a limit of two connections per client, counted by /64 network, and two open from two addresses of
        // 2001:db8:1:2::/64
        ConnectionsPerClient limit = new ConnectionsPerClient(2, new ClientNetwork(64));
        Opened first = from("2001:db8:1:2::1");
        Opened second = from("2001:db8:1:2::2");
        limit.onOpened(first.connection());
        limit.onOpened(second.connection());
        // when a third comes from a third address of that network, and one from another network
        Opened third = from("2001:db8:1:2::3");
        Opened elsewhere = from("2001:db8:1:3::1");
        limit.onOpened(third.connection());
        limit.onOpened(elsewhere.connection());

        // then the third is closed, the others are not
        assertThat(third.closed()).isTrue();
        assertThat(first.closed()).isFalse();
        assertThat(second.closed()).isFalse();
        assertThat(elsewhere.closed()).isFalse();
    }

    @Test
    void shouldCountEachIpv6AddressApartByDefault() throws Exception {
        // given a limit of one connection per client, each IPv6 address one, and one open from 2001:db8:1:2::1
        ConnectionsPerClient limit = new ConnectionsPerClient(1, new ClientNetwork(ClientNetwork.EACH_ADDRESS));
        limit.onOpened(from("2001:db8:1:2::1").connection());
        // when another address of its /64 connects, and the first address again
        Opened neighbour = from("2001:db8:1:2::2");
        Opened again = from("2001:db8:1:2::1");
        limit.onOpened(neighbour.connection());
        limit.onOpened(again.connection());
        // then the neighbour is let be, the first address's second connection closed
        assertThat(neighbour.closed()).isFalse();
        assertThat(again.closed()).isTrue();
    }

    @Test
    void shouldGiveTheNetworkItsPlaceBackWhenOneOfItsConnectionsCloses() throws Exception {
        // given a limit of one connection per client, counted by /64 network, taken by one address of a network
        ConnectionsPerClient limit = new ConnectionsPerClient(1, new ClientNetwork(64));
        Opened first = from("2001:db8:1:2::1");
        limit.onOpened(first.connection());
        // when it closes and another address of the network connects
        limit.onClosed(first.connection());
        Opened next = from("2001:db8:1:2::2");
        limit.onOpened(next.connection());
        // then that one is let be
        assertThat(next.closed()).isFalse();
    }

    @Test
    void shouldCountATlsConnectionOnceNotAgainForTheHttpConnectionOnTop() throws Exception {
        // given a limit of two connections per client, and a TLS connection from an address with HTTP on top of it
        ConnectionsPerClient limit = new ConnectionsPerClient(2, new ClientNetwork(ClientNetwork.EACH_ADDRESS));
        limit.onOpened(from("192.0.2.1").connection());
        limit.onOpened(decryptedFrom("192.0.2.1").connection());
        // when a second TLS connection comes from that address, HTTP on top of it
        Opened second = from("192.0.2.1");
        Opened secondHttp = decryptedFrom("192.0.2.1");
        limit.onOpened(second.connection());
        limit.onOpened(secondHttp.connection());
        // then it is let be: two connections of the two the address may have
        assertThat(second.closed()).isFalse();
        assertThat(secondHttp.closed()).isFalse();
        // and a third is closed
        Opened third = from("192.0.2.1");
        limit.onOpened(third.connection());
        assertThat(third.closed()).isTrue();
    }
}
