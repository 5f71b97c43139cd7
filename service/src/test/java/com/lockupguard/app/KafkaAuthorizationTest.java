package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka's authorization exceptions, as Kafka Streams and the admin client throw them (the chains
 * seen on a broker with the StandardAuthorizer), turned into the permission they mean.
 */
class KafkaAuthorizationTest {

    private static final String PASSWORD = "guard-secret-password";

    private static GuardConfig config(String... extra) {
        Map<String, String> settings = new HashMap<>(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9093", "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"guard-x\" password=\"" + PASSWORD + "\";"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new GuardConfig(settings);
    }

    private static MissingPermissionException explain(Throwable failure, AclOperation operation) {
        return KafkaAuthorization.explain(failure, config(), operation).orElseThrow();
    }

    private static KafkaPermission only(MissingPermissionException explained) {
        assertThat(explained.missing()).hasSize(1);
        assertThat(explained.getMessage()).startsWith("principal User:guard-x needs ")
                .contains("kafka-acls --bootstrap-server broker:9093 --add --allow-principal User:guard-x")
                .doesNotContain(PASSWORD);
        return explained.missing().get(0);
    }

    @Test
    void shouldNameReadOnTheGroupWhenKafkaStreamsMayNotJoinIt() {
        StreamsException failure = new StreamsException(new GroupAuthorizationException(
                "Not authorized to access group: guard-x", "guard-x"));
        KafkaPermission missing = only(explain(failure, null));
        assertThat(missing.describe()).isEqualTo("READ on GROUP 'guard-x' (LITERAL)");
        assertThat(explain(failure, null).getMessage()).contains("--operation Read --group guard-x");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldExplainAFailureWhoseCausesFormACycleAndReturn() {
        // given a refusal whose chain of causes loops back on itself (initCause allows a cycle of two)
        GroupAuthorizationException denied = new GroupAuthorizationException("Not authorized to access group: "
                + "guard-x", "guard-x");
        KafkaException wrapper = new KafkaException("Failed to join the group");
        wrapper.initCause(denied);
        denied.initCause(wrapper);
        StreamsException failure = new StreamsException("stream thread failed", wrapper);
        // when it is explained, on the failing stream thread
        KafkaPermission missing = only(explain(failure, null));
        // then the walk ends, and the permission is named
        assertThat(missing.describe()).isEqualTo("READ on GROUP 'guard-x' (LITERAL)");
    }

    @Test
    void shouldNameWriteOnTheTransactionalIdPrefixWhenTransactionsAreRefused() {
        StreamsException failure = new StreamsException("Error encountered trying to initialize transactions "
                + "[stream-thread [guard-x-1-StreamThread-1]]", new KafkaException("Cannot execute transactional "
                        + "method because we are in an error state", new TransactionalIdAuthorizationException(
                                "Transactional Id authorization failed.")));
        KafkaPermission missing = only(explain(failure, null));
        assertThat(missing.describe()).isEqualTo("WRITE on TRANSACTIONAL_ID 'guard-x-' (PREFIXED)");
        assertThat(explain(failure, null).getMessage())
                .contains("--operation Write --resource-pattern-type prefixed --transactional-id guard-x-");
    }

    @Test
    void shouldNameWriteOnTheOutputTopicADecisionCouldNotBeSentTo() {
        StreamsException failure = new StreamsException("Error encountered sending record to topic orders-approved "
                + "for task 0_0 due to:\norg.apache.kafka.common.errors.TopicAuthorizationException: Not authorized "
                + "to access topics: [orders-approved]", new TopicAuthorizationException(Set.of("orders-approved")));
        assertThat(only(explain(failure, null)).describe()).isEqualTo("WRITE on TOPIC 'orders-approved' (LITERAL)");
    }

    @Test
    void shouldNameReadOnAnInputKafkaStreamsMayNotConsume() {
        StreamsException failure = new StreamsException(new TopicAuthorizationException(Set.of("orders")));
        assertThat(only(explain(failure, null)).describe()).isEqualTo("READ on TOPIC 'orders' (LITERAL)");
    }

    @Test
    void shouldNameTheInternalTopicPrefixForAChangelogKafkaStreamsCannotCreateReadOrWrite() {
        StreamsException create = new StreamsException("Could not create topic guard-x-holding-state-changelog.",
                new TopicAuthorizationException("Authorization failed."));
        assertThat(only(explain(create, null)).describe()).isEqualTo("CREATE on TOPIC 'guard-x-' (PREFIXED)");
        StreamsException restore = new StreamsException("Restore consumer get unexpected error polling records.",
                new TopicAuthorizationException(Set.of("guard-x-holding-state-changelog")));
        assertThat(only(explain(restore, null)).describe()).isEqualTo("READ on TOPIC 'guard-x-' (PREFIXED)");
        StreamsException write = new StreamsException("Error encountered sending record to topic "
                + "guard-x-seen-orders-changelog for task 0_1 due to: ...",
                new TopicAuthorizationException(Set.of("guard-x-seen-orders-changelog")));
        assertThat(only(explain(write, null)).describe()).isEqualTo("WRITE on TOPIC 'guard-x-' (PREFIXED)");
    }

    @Test
    void shouldNameCreateOrDescribeConfigsWhenTheStartUpChecksAreRefused() {
        IllegalStateException create = new IllegalStateException("cannot create topic orders-approved: "
                + "Authorization failed.", new TopicAuthorizationException("Authorization failed."));
        assertThat(only(explain(create, AclOperation.CREATE)).describe())
                .isEqualTo("CREATE on TOPIC 'orders-approved' (LITERAL)");
        IllegalStateException configs = new IllegalStateException("Kafka admin request failed: ...",
                new TopicAuthorizationException(Set.of("agreements")));
        assertThat(only(explain(configs, AclOperation.DESCRIBE_CONFIGS)).describe())
                .isEqualTo("DESCRIBE_CONFIGS on TOPIC 'agreements' (LITERAL)");
        ClusterAuthorizationException cluster = new ClusterAuthorizationException("Cluster authorization failed.");
        assertThat(only(explain(cluster, null)).resourceType()).isEqualTo(ResourceType.CLUSTER);
    }

    @Test
    void shouldLeaveOtherFailuresAlone() {
        assertThat(KafkaAuthorization.explain(new StreamsException("boom", new IllegalArgumentException()), config(),
                null)).isEmpty();
    }

    @Test
    void shouldSayTheGuardsPrincipalOnlyWhenTheSettingsTellIt() {
        assertThat(GuardPermissions.principal(config())).isEqualTo("User:guard-x");
        assertThat(GuardPermissions.principal(config("sasl.mechanism", "OAUTHBEARER"))).isNull();
        assertThat(GuardPermissions.principal(new GuardConfig(Map.of()))).isNull();
        MissingPermissionException unknown = KafkaAuthorization.explain(new GroupAuthorizationException("no",
                "guard-x"), config("sasl.mechanism", "GSSAPI"), null).orElseThrow();
        assertThat(unknown.getMessage()).startsWith("the guard's principal needs READ on GROUP 'guard-x'");
    }

    @Test
    void shouldSayThePrincipalOnlyWhenEveryClientLogsInAsIt() {
        // given logins that Kafka Streams' clients take under their role prefixes
        String other = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"guard-y\" "
                + "password=\"" + PASSWORD + "\";";
        // when / then a login every client takes, prefixed or not, is the principal
        assertThat(GuardPermissions.principal(config("sasl.jaas.config", other, "admin.sasl.jaas.config", other)))
                .isEqualTo("User:guard-y");
        // and one client of another principal leaves it unsaid, as does SASL the clients do not use
        assertThat(GuardPermissions.principal(config("restore.consumer.sasl.jaas.config", other))).isNull();
        assertThat(GuardPermissions.principal(config("producer.sasl.mechanism", "OAUTHBEARER"))).isNull();
        assertThat(GuardPermissions.principal(config("security.protocol", "SSL"))).isNull();
        assertThat(GuardPermissions.principals(config("restore.consumer.sasl.jaas.config", other)))
                .containsEntry(GuardPermissions.RESTORE_CONSUMER, "User:guard-y")
                .containsEntry(GuardPermissions.MAIN_CONSUMER, "User:guard-x")
                .containsEntry(GuardPermissions.ADMIN, "User:guard-x")
                .containsEntry(GuardPermissions.PRODUCER, "User:guard-x")
                .containsEntry(GuardPermissions.FEED_CONSUMER, "User:guard-x");
    }

    @Test
    void shouldNotCheckPermissionsAsTheAdminWhenTheOtherClientsLogInAsSomeoneElse() throws Exception {
        // given a main consumer and producer that log in as guard-y, while the admin logs in as guard-x
        String other = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"guard-y\" "
                + "password=\"" + PASSWORD + "\";";
        GuardConfig config = config("consumer.sasl.jaas.config", other, "producer.sasl.jaas.config", other);
        // and an admin that fails the test if it is asked anything
        org.apache.kafka.clients.admin.Admin admin = (org.apache.kafka.clients.admin.Admin) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {
                    org.apache.kafka.clients.admin.Admin.class}, (proxy, method, arguments) -> {
                        throw new AssertionError("asked " + method.getName() + " as the admin's principal");
                    });

        // when / then: what the admin may do says nothing of what guard-y may, so it is not asked
        KafkaAuthorization.verify(admin, config, java.time.Duration.ofSeconds(1));
    }

    // ---- what the brokers say at start

    /** Every topic of {@code config}, where its principal may do all it needs but CREATE and {@code refused}. */
    private static FakeAdmin clusterAllowingAllBut(GuardConfig config, AclOperation... refused) {
        FakeAdmin cluster = new FakeAdmin();
        Set<AclOperation> withheld = Set.of(refused);
        for (KafkaPermission permission : GuardPermissions.required(config)) {
            if (permission.resourceType() == ResourceType.TOPIC && permission.pattern() == PatternType.LITERAL) {
                FakeAdmin.Topic topic = cluster.topics.containsKey(permission.name())
                        ? cluster.topics.get(permission.name()) : cluster.topic(permission.name(), 6, Map.of());
                Set<AclOperation> allowed = new java.util.HashSet<>(topic.authorized);
                allowed.add(AclOperation.DESCRIBE);
                if (permission.operation() != AclOperation.CREATE && !withheld.contains(permission.operation())) {
                    allowed.add(permission.operation());
                }
                topic.authorized = allowed;
            }
        }
        return cluster;
    }

    @Test
    void shouldStartOnExistingTopicsItMayUseThoughItMayNotCreateThem() throws Exception {
        // given topics an operator created, on which the guard may do everything but CREATE (it asks for CREATE
        // only in case they are missing)
        FakeAdmin cluster = clusterAllowingAllBut(config());

        // when / then the start-up check lets it start
        KafkaAuthorization.verify(cluster.admin(), config(), java.time.Duration.ofSeconds(5));
    }

    @Test
    void shouldRefuseToStartNamingWhatItMustDoOnAnOutputItMayNotEvenSee() {
        // given a cluster where the guard has no ACL at all on orders-blocked: the broker will not even describe it
        FakeAdmin cluster = clusterAllowingAllBut(config());
        cluster.topics.get("orders-blocked").describeFailure = new TopicAuthorizationException(
                Set.of("orders-blocked"));

        // when / then it refuses to start, rather than stop at its first blocked order, hours later
        assertThatThrownBy(() -> KafkaAuthorization.verify(cluster.admin(), config(),
                java.time.Duration.ofSeconds(5))).isInstanceOfSatisfying(MissingPermissionException.class,
                        refused -> assertThat(refused.missing()).extracting(KafkaPermission::describe)
                                .contains("WRITE on TOPIC 'orders-blocked' (LITERAL)"));
    }

    @Test
    void shouldRefuseToStartNamingEveryTopicOperationTheBrokersSayItMayNotDo() {
        // given a cluster where the guard may read but not write its outputs, nor describe its inputs' settings
        FakeAdmin cluster = clusterAllowingAllBut(config(), AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);

        // when / then it names them all at once
        assertThatThrownBy(() -> KafkaAuthorization.verify(cluster.admin(), config(),
                java.time.Duration.ofSeconds(5))).isInstanceOfSatisfying(MissingPermissionException.class,
                        refused -> assertThat(refused.missing()).extracting(KafkaPermission::describe)
                                .contains("WRITE on TOPIC 'orders-approved' (LITERAL)",
                                        "WRITE on TOPIC 'compliance-alerts' (LITERAL)",
                                        "DESCRIBE_CONFIGS on TOPIC 'agreements' (LITERAL)")
                                .noneMatch(p -> p.startsWith("CREATE")));
    }

    @Test
    void shouldRefuseToStartWhenTheBrokersSayItMayNotReadItsGroup() {
        // given a group that exists (an earlier start) and that the guard may describe but not join
        FakeAdmin cluster = clusterAllowingAllBut(config());
        cluster.groups.put("guard-x", Set.of(AclOperation.DESCRIBE));

        // when / then
        assertThatThrownBy(() -> KafkaAuthorization.verify(cluster.admin(), config(),
                java.time.Duration.ofSeconds(5))).isInstanceOfSatisfying(MissingPermissionException.class,
                        refused -> assertThat(refused.missing()).extracting(KafkaPermission::describe)
                                .containsExactly("READ on GROUP 'guard-x' (LITERAL)"));
    }

    // ---- what the guard needs

    @Test
    void shouldNeedOnlyWhatItsConfigurationUses() {
        List<KafkaPermission> all = GuardPermissions.required(config());
        assertThat(all).extracting(KafkaPermission::describe).contains(
                "READ on TOPIC 'agreements' (LITERAL)", "DESCRIBE_CONFIGS on TOPIC 'orders' (LITERAL)",
                "WRITE on TOPIC 'orders-approved' (LITERAL)", "READ on TOPIC 'orders-approved' (LITERAL)",
                "WRITE on TOPIC 'orders' (LITERAL)", "CREATE on TOPIC 'compliance-alerts' (LITERAL)",
                "CREATE on TOPIC 'guard-x-' (PREFIXED)", "READ on GROUP 'guard-x' (LITERAL)",
                "WRITE on TRANSACTIONAL_ID 'guard-x-' (PREFIXED)");
        assertThat(all).noneMatch(p -> p.operation() == AclOperation.ALL || p.operation() == AclOperation.ALTER
                || p.operation() == AclOperation.DELETE || p.resourceType() == ResourceType.CLUSTER);
        List<KafkaPermission> minimal = GuardPermissions.required(config("http.port", "-1", "topics.create", "false",
                "processing.guarantee", "at_least_once"));
        assertThat(minimal).noneMatch(p -> p.resourceType() == ResourceType.TRANSACTIONAL_ID)
                .noneMatch(p -> p.operation() == AclOperation.CREATE && p.pattern() == PatternType.LITERAL)
                .noneMatch(p -> p.why().equals(GuardPermissions.API_READS));
    }

    @Test
    void shouldNeedWhatTheApiDoesWhenItListensOnAnyFreePort() {
        // given the API on any free port (http.port=0), as tests and several instances on one host run it
        List<KafkaPermission> anyPort = GuardPermissions.required(config("http.port", "0"));

        // when / then the API's reads and its orders' writes are still granted and checked at start
        assertThat(anyPort).extracting(KafkaPermission::describe).contains("READ on TOPIC 'orders-approved' (LITERAL)",
                "READ on TOPIC 'holding-positions' (LITERAL)", "WRITE on TOPIC 'orders' (LITERAL)");
    }

    @Test
    void shouldListInTheSecurityGuideExactlyTheAclsOfConfigAcls() throws Exception {
        String guide = Files.readString(Path.of("docs/SECURITY.md"));
        String commands = GuardPermissions.commands(new GuardConfig(Map.of("bootstrap.servers", "<brokers>")),
                "User:lockup-guard");
        assertThat(guide).as("docs/SECURITY.md's ACL list is out of date: run scripts/update-config-docs.py")
                .contains("```bash\n" + commands + "```");
    }
}
