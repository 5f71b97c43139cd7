package com.lockupguard.it;

import static org.awaitility.Awaitility.await;

import com.lockupguard.app.KafkaPermission;
import com.lockupguard.security.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A locked-down KRaft cluster in the JVM (Kafka's KafkaClusterTestKit, like {@link TestKafka}):
 * clients on SASL_SSL with SCRAM-SHA-512 and a certificate of a test CA, the StandardAuthorizer
 * on brokers and controller, nothing allowed without an ACL. The test kit's own PLAIN user
 * ({@code plain-admin}) is the only super user and talks broker to broker; every other principal
 * is a SCRAM user the test creates. The kit sets up JAAS for PLAIN JVM-wide, so every client here
 * sets {@code sasl.jaas.config} itself.
 */
final class SecuredKafka implements AutoCloseable {

    static final String TRUST_PASSWORD = "trust-pass";

    private final KafkaClusterTestKit cluster;
    private final Path trustStore;
    private final Admin admin;

    private SecuredKafka(KafkaClusterTestKit cluster, Path trustStore) {
        this.cluster = cluster;
        this.trustStore = trustStore;
        this.admin = Admin.create(new HashMap<String, Object>(superUser()));
    }

    static SecuredKafka start(Path dir, TestPki pki) throws Exception {
        Path keyStore = TestPki.writeKeyStore(dir.resolve("broker.p12"), "PKCS12", "broker-pass", "broker-pass",
                pki.localhost());
        Path trustStore = pki.writeTrustStore(dir.resolve("kafka-trust.p12"), "PKCS12", TRUST_PASSWORD);
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setCombined(false)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_SSL)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                // topic defaults are the controller's to apply
                .setPerServerProperties(Map.of(3000, Map.of("default.replication.factor", "1")))
                .build());
        Map<String, String> settings = new HashMap<>();
        settings.put("unstable.api.versions.enable", "false");
        settings.put("unstable.feature.versions.enable", "false");
        // PLAIN stays on for the kit's super user (it writes its JAAS file only for PLAIN); apps use SCRAM
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("sasl.mechanism.controller.protocol", "PLAIN");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", "User:" + JaasUtils.KAFKA_PLAIN_ADMIN);
        // the test CA's certificate instead of the kit's own
        settings.put("ssl.keystore.location", keyStore.toString());
        settings.put("ssl.keystore.password", "broker-pass");
        settings.put("ssl.key.password", "broker-pass");
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.truststore.location", trustStore.toString());
        settings.put("ssl.truststore.password", TRUST_PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.client.auth", "none");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "3");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "3");
        settings.put("min.insync.replicas", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("group.min.session.timeout.ms", "1000");
        settings.put("auto.create.topics.enable", "false");
        settings.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SecuredKafka(cluster, trustStore);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** What every client of this cluster sets: the listener's protocol and the test CA. */
    Map<String, String> tls() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("ssl.truststore.location", trustStore.toString());
        settings.put("ssl.truststore.password", TRUST_PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        return settings;
    }

    /** A SCRAM-SHA-512 user's client settings. */
    Map<String, String> scram(String user, String password) {
        Map<String, String> settings = tls();
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    /** The super user's client settings: for the test's own reading and administration. */
    Map<String, String> superUser() {
        Map<String, String> settings = tls();
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\""
                + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";");
        return settings;
    }

    Admin admin() {
        return admin;
    }

    void createUser(String user, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get();
    }

    /** Grants {@code permissions} to {@code User:user}, and waits until the broker enforces them. */
    void grant(String user, List<KafkaPermission> permissions) throws Exception {
        List<AclBinding> acls = permissions.stream().map(p -> p.allow("User:" + user)).distinct().toList();
        admin.createAcls(acls).all().get();
        AclBindingFilter theirs = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                "User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeAcls(theirs).values().get().size()
                >= acls.size());
    }

    @Override
    public void close() throws Exception {
        admin.close(Duration.ofSeconds(5));
        cluster.close();
    }
}
