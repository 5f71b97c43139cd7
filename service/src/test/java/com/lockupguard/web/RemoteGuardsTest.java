package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.metrics.GuardMetrics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How an instance asks the one that owns a holding, as Kafka Streams names it (host and port). */
class RemoteGuardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuardMetrics metrics = new GuardMetrics();
    private GuardWebServer owner;

    @AfterEach
    void stop() {
        if (owner != null) {
            owner.close();
        }
        metrics.close();
    }

    @Test
    void shouldAskAnInstanceThatAdvertisesAnIpv6Address() {
        // given the owner of a holding listening on an IPv6 address, which Kafka Streams names without brackets
        owner = new GuardWebServer(new GuardWebServer.Settings("::1", 0, null, Duration.ofSeconds(1)), metrics, JSON);
        int port = owner.start();
        owner.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), new StubBackend.NoHistory(),
                new StubBackend.Up()));
        HostInfo host = HostInfo.buildFromEndpoint("[::1]:" + port);
        assertThat(host.host()).isEqualTo("::1");

        // when another instance asks it for the holding
        JsonNode holding = new RemoteGuards(JSON, new PeerAccess(false, null, null))
                .get(host, "/api/holdings/dutchess/CBYI?local=true", null);

        // then it is answered
        assertThat(holding.get("investorId").asText()).isEqualTo("dutchess");
    }

    @Test
    void shouldSayAnOwnerThatIsGoneCannotBeReachedAndWhy() throws Exception {
        // given the address of an owner that has just stopped: nothing listens on its port
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        HostInfo gone = new HostInfo("127.0.0.1", port);

        // when another instance asks it
        Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                .get(gone, "/api/holdings/dutchess/CBYI?local=true", null));

        // then a 503 to retry, saying why, not "(null)"
        assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("instance 127.0.0.1:" + port
                    + " that owns this holding cannot be reached (connection refused); retry");
        });
    }

    @Test
    void shouldSayAnOwnerWhoseAdvertisedNameDoesNotResolveIsMisnamedNotRefusing() {
        // given an owner that advertises a name nobody resolves (a Kubernetes pod's name, say)
        HostInfo misnamed = new HostInfo("lockup-guard-7d9f8c-x2kq.invalid", 8080);

        // when another instance asks it
        Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                .get(misnamed, "/api/holdings/dutchess/CBYI?local=true", null));

        // then the 503 names the setting to look at, not a refused connection
        assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("lockup-guard-7d9f8c-x2kq.invalid:8080")
                    .contains("its name does not resolve here").contains("http.advertised.host")
                    .doesNotContain("connection refused");
        });
    }
}
