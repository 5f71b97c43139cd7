package com.lockupguard.tools.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.registry.CompatibilityLevel;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-process registry's REST answers, asked as any client of Confluent's API asks, not through our client. */
class SchemaRegistryServerTest {

    private static final String V1 = record("{\"name\":\"a\",\"type\":\"int\"}");
    private static final String V2 = record("{\"name\":\"a\",\"type\":\"int\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    /** Reads v2's records, not v1's: b has no default. */
    private static final String ONLY_B = record("{\"name\":\"b\",\"type\":\"int\"}");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String scope = "registry-server-test-" + UUID.randomUUID();
    private InMemorySchemaRegistry registry;
    private SchemaRegistryServer server;

    @BeforeEach
    void start() throws Exception {
        registry = InMemorySchemaRegistry.scope(scope);
        server = new SchemaRegistryServer.Builder(registry).host("127.0.0.1").start();
    }

    @AfterEach
    void stop() {
        server.close();
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldAnswerABodyThatIsNotJsonWith400InsteadOfDroppingTheConnection() throws Exception {
        // when a schema, and a compatibility level, are sent as something that is not JSON
        Answer register = ask("POST", "/subjects/s/versions", "{not json");
        Answer config = ask("PUT", "/config/s", "not json");

        // then each is answered, as Confluent's registry answers it
        assertThat(register.status()).isEqualTo(400);
        assertThat(register.body().path("error_code").asInt()).isEqualTo(400);
        assertThat(config.status()).isEqualTo(400);
        assertThat(config.body().path("message").asText()).startsWith("Unrecognized JSON in the request: ");
    }

    @Test
    void shouldCheckCompatibilityAgainstTheVersionAskedForAsConfluentsRegistryDoes() throws Exception {
        // given two versions of a subject, and a schema that reads the second's records and not the first's
        registry.register("s", new Schema.Parser().parse(V1));
        registry.register("s", new Schema.Parser().parse(V2));

        // when it is checked against each version, against the latest, and against the versions registering would
        // check, under BACKWARD and then under a transitive level
        boolean againstFirst = compatible("/compatibility/subjects/s/versions/1");
        boolean againstSecond = compatible("/compatibility/subjects/s/versions/2");
        boolean againstLatest = compatible("/compatibility/subjects/s/versions/latest");
        boolean asRegistering = compatible("/compatibility/subjects/s/versions");
        registry.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        boolean againstLatestTransitively = compatible("/compatibility/subjects/s/versions/latest");
        boolean againstSecondTransitively = compatible("/compatibility/subjects/s/versions/2");
        boolean asRegisteringTransitively = compatible("/compatibility/subjects/s/versions");

        // then each answer about a version is about the version named (seen: "latest" checked against every
        // version under a transitive level, where Confluent checks the latest alone), and the check without one is
        // registering's: against the latest, and then against both
        assertThat(againstFirst).isFalse();
        assertThat(againstSecond).isTrue();
        assertThat(againstLatest).isTrue();
        assertThat(asRegistering).isTrue();
        assertThat(againstLatestTransitively).isTrue();
        assertThat(againstSecondTransitively).isTrue();
        assertThat(asRegisteringTransitively).isFalse();
    }

    @Test
    void shouldTakeASchemaAsCompatibleWithTheLatestVersionOfASubjectNotYetRegistered() throws Exception {
        // when / then, as Confluent answers: nothing to be compatible with, but no version 1 to check against (seen:
        // 40401, where Confluent's registry answers 40402)
        assertThat(compatible("/compatibility/subjects/new/versions/latest")).isTrue();
        assertThat(compatible("/compatibility/subjects/new/versions")).isTrue();
        assertThat(ask("POST", "/compatibility/subjects/new/versions/1", schema(V1)).codes())
                .containsExactly(404, 40402);
        assertThat(ask("POST", "/compatibility/subjects/new/versions/0", schema(V1)).codes())
                .containsExactly(422, 42202);
    }

    @Test
    void shouldServeASubjectsOwnLevelOnlyWhereOneWasSetAsKafkajsExpects() throws Exception {
        // given a registry whose level is FULL
        registry.setDefaultCompatibility(CompatibilityLevel.FULL);

        // when a subject without a level of its own is asked for it
        Answer unset = ask("GET", "/config/s", null);
        Answer defaulted = ask("GET", "/config/s?defaultToGlobal=TRUE", null);

        // then it has none (seen: the registry's own, which made kafkajs's register refuse another level rather than
        // set it), unless the registry's is asked for in its stead
        assertThat(unset.codes()).containsExactly(404, 40408);
        assertThat(defaulted.body().path("compatibilityLevel").asText()).isEqualTo("FULL");

        // when a level is set for it, and deleted
        ask("PUT", "/config/s", "{\"compatibility\":\"NONE\"}");
        Answer set = ask("GET", "/config/s", null);
        Answer deleted = ask("DELETE", "/config/s", null);

        // then it was served, the delete said what it removed (seen: 200, and nothing removed), and the registry's
        // level applies to the subject again
        assertThat(set.body().path("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(ask("GET", "/config/s", null).codes()).containsExactly(404, 40408);
        assertThat(registry.compatibility("s")).isEqualTo(CompatibilityLevel.FULL);

        // and the registry's own level, deleted, is BACKWARD again
        assertThat(ask("DELETE", "/config", null).body().path("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(registry.defaultCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldNotSetTheRegistrysLevelForAConfigPathItDoesNotServe() throws Exception {
        // when (seen: a level PUT to /config/a/b set the registry's)
        Answer answer = ask("PUT", "/config/a/b", "{\"compatibility\":\"NONE\"}");

        // then
        assertThat(answer.status()).isEqualTo(404);
        assertThat(registry.defaultCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldRefuseASchemaWithReferencesItCannotResolveRatherThanDropThem() throws Exception {
        // when a schema naming a type of another subject is registered (seen: registered, the reference dropped)
        Answer answer = ask("POST", "/subjects/s/versions", "{\"schema\":\"\\\"string\\\"\",\"references\":"
                + "[{\"name\":\"x.Y\",\"subject\":\"other\",\"version\":1}]}");

        // then
        assertThat(answer.codes()).containsExactly(422, 42201);
        assertThat(answer.body().path("message").asText()).contains("references are not supported");
        assertThat(registry.getAllSubjects()).isEmpty();
    }

    @Test
    void shouldAnswerAVersionItDoesNotHaveOrThatIsNoVersionWithConfluentsCodes() throws Exception {
        // given a subject with one version
        registry.register("s", new Schema.Parser().parse(V1));

        // when / then
        assertThat(ask("GET", "/subjects/s/versions/7", null).codes()).containsExactly(404, 40402);
        assertThat(ask("POST", "/compatibility/subjects/s/versions/7", schema(ONLY_B)).codes())
                .containsExactly(404, 40402);
        assertThat(ask("GET", "/subjects/s/versions/0", null).codes()).containsExactly(422, 42202);
        assertThat(ask("GET", "/subjects/s/versions/abc", null).codes()).containsExactly(422, 42202);
        assertThat(ask("GET", "/subjects/t/versions/1", null).codes()).containsExactly(404, 40401);
    }

    @Test
    void shouldRefuseASchemaAvroFindsInvalidWith42201AsConfluentsRegistryDoes() throws Exception {
        // given schemas that parse as JSON but that Avro refuses: a default of the wrong type, a union with a branch
        // twice, a field twice, and one that does not parse at all
        List<String> invalid = List.of(record("{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}"),
                record("{\"name\":\"a\",\"type\":[\"int\",\"int\"]}"),
                record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"a\",\"type\":\"long\"}"),
                "{\"type\":\"nothing\"}");
        for (String schema : invalid) {
            // when each is registered, and looked up
            Answer registered = ask("POST", "/subjects/s/versions", schema(schema));
            Answer looked = ask("POST", "/subjects/s", schema(schema));

            // then it is the caller's invalid schema (a client does not retry it), not the registry's failure
            assertThat(registered.codes()).as(schema).containsExactly(422, 42201);
            assertThat(looked.codes()).as(schema).containsExactly(422, 42201);
        }
        assertThat(registry.getAllSubjects()).isEmpty();
    }

    @Test
    void shouldRefuseACompatibilityLevelThatIsNoneOfConfluentsWith42203() throws Exception {
        // when
        Answer answer = ask("PUT", "/config", "{\"compatibility\":\"BACKWARDS\"}");

        // then it is the caller's mistake, not the registry's failure, and the level is unchanged
        assertThat(answer.codes()).containsExactly(422, 42203);
        assertThat(registry.defaultCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldNotAnswerADeleteItDoesNotServeAsIfItWereDone() throws Exception {
        // given a subject
        registry.register("s", new Schema.Parser().parse(V1));

        // when a client deletes its versions, it, one of them, or a schema, or posts a level
        List<Answer> answers = List.of(ask("DELETE", "/subjects/s/versions", null), ask("DELETE", "/subjects/s", null),
                ask("DELETE", "/subjects/s?permanent=true", null), ask("DELETE", "/subjects/s/versions/1", null),
                ask("DELETE", "/schemas/ids/1", null), ask("POST", "/config/s", "{\"compatibility\":\"NONE\"}"));

        // then each is told the method is not served (seen: a DELETE of the subject 404, as if it were not there; a
        // level posted, 200), and the subject is still there, its level unset
        assertThat(answers).extracting(Answer::codes).allSatisfy(codes -> assertThat(codes)
                .containsExactly(405, 405));
        assertThat(registry.getAllSubjects()).containsExactly("s");
        assertThat(registry.subjectCompatibility("s")).isEmpty();
    }

    @Test
    void shouldRefuseASubjectConfluentsRegistryRefusesWith42208() throws Exception {
        // when a schema is registered under an empty subject, one with a line break, and one the registry keeps
        List<Answer> answers = List.of(ask("POST", "/subjects//versions", schema(V1)),
                ask("POST", "/subjects/ctl%0Aline/versions", schema(V1)),
                ask("POST", "/subjects/__GLOBAL/versions", schema(V1)));

        // then each is the caller's invalid subject, as a real registry answers it, and nothing is registered
        assertThat(answers).extracting(Answer::codes).allSatisfy(codes -> assertThat(codes)
                .containsExactly(422, 42208));
        assertThat(registry.getAllSubjects()).isEmpty();
    }

    @Test
    void shouldReadAPlusInASubjectAsAPlus() throws Exception {
        // given a subject whose name has a plus in it
        registry.register("a+b", new Schema.Parser().parse(V1));

        // when its versions are asked for with the plus as it is (a path's plus is no space)
        Answer answer = ask("GET", "/subjects/a+b/versions", null);

        // then
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().toString()).isEqualTo("[1]");
    }

    private record Answer(int status, JsonNode body) {
        List<Integer> codes() {
            return List.of(status, body.path("error_code").asInt());
        }
    }

    private boolean compatible(String path) throws Exception {
        Answer answer = ask("POST", path, schema(ONLY_B));
        assertThat(answer.status()).as("%s: %s", path, answer.body()).isEqualTo(200);
        return answer.body().path("is_compatible").asBoolean();
    }

    private Answer ask(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    private String schema(String schema) {
        return json.createObjectNode().put("schema", schema).toString();
    }

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}";
    }
}
