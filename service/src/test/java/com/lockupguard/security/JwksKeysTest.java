package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.lockupguard.security.testing.JwksEndpoint;
import com.lockupguard.security.testing.TestIssuer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A JWKS URL as the guard logs it: without the user and password it may carry. */
class JwksKeysTest {

    @Test
    void shouldLogTheJwksUrlWithoutItsUserInfo() throws Exception {
        // given an issuer serving its JWKS on loopback, a port nothing listens on, and JwksKeys' log recorded
        TestIssuer issuer = TestIssuer.rsa("key-1");
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 200,
                issuer::jwks, new AtomicInteger());
        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = socket.getLocalPort();
        }
        Logger log = (Logger) LoggerFactory.getLogger(JwksKeys.class);
        Level level = log.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        log.setLevel(Level.INFO);
        try {
            // when keys are fetched from URLs with a user and password: one that answers, one that cannot (presigned)
            boolean read = JwksKeys.url(URI.create("http://idp:jwks-secret@127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks"), Duration.ofMinutes(5), null).prefetch();
            boolean unreachable = JwksKeys.url(URI.create("http://idp:jwks-secret@127.0.0.1:" + nothingListens
                    + "/jwks?sig=s3cr3t"), Duration.ofMinutes(5), null).prefetch();

            // then both are logged with their host, port and path, and neither with the user, the password nor the
            // query
            assertThat(read).isTrue();
            assertThat(unreachable).isFalse();
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
                    .anySatisfy(message -> assertThat(message).startsWith("JWKS http://127.0.0.1:"
                            + server.getAddress().getPort() + "/jwks: "))
                    .anySatisfy(message -> assertThat(message).startsWith("JWKS http://127.0.0.1:" + nothingListens
                            + "/jwks?[hidden] cannot be read"))
                    .noneSatisfy(message -> assertThat(message).containsAnyOf("jwks-secret", "idp", "s3cr3t"));
        } finally {
            log.detachAppender(logged);
            log.setLevel(level);
            server.stop(0);
        }
    }
}
