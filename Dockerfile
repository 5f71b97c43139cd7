# Lockup Guard's service image: run, config, schemas, produce and export, built from the service module alone (no
# broker, no Scala, no test utilities on its classpath; the demo and the tools are in target/lockup-guard.jar).
#   docker build -t lockup-guard:0.2.0-SNAPSHOT .
# beside docker-compose's Kafka and registry alone (docker-compose up -d kafka schema-registry), on their network
# (<project>_default: `docker network ls` names it; kafka:19092 is Kafka's listener for containers, kafka:9092 sends
# clients to localhost):
#   docker run --rm --network <project>_default -p 127.0.0.1:8080:8080 --memory 2g --stop-timeout 60 \
#     -v lockup-guard-state:/var/lib/lockup-guard -e LOCKUP_GUARD_BOOTSTRAP_SERVERS=kafka:19092 \
#     -e LOCKUP_GUARD_SCHEMA_REGISTRY_URL=http://schema-registry:8081 \
#     -e LOCKUP_GUARD_GROUP_INSTANCE_ID=lockup-guard-1 \
#     -e LOCKUP_GUARD_HTTP_HOST=0.0.0.0 -e LOCKUP_GUARD_API_TOKEN=... lockup-guard:0.2.0-SNAPSHOT run
# (the defaults, localhost:8081 and 127.0.0.1, point inside the container; serving beyond loopback needs
# authentication: docs/SECURITY.md; a named volume keeps the state, which --rm would otherwise delete; a
# memory limit sizes the heap, 70 % of it, which is otherwise sized from the whole host's memory; the close
# can take 54 s, where Docker kills after 10 by default; one group.instance.id per instance: docs/OPERATIONS.md,
# Running against a Kafka cluster)

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY service/pom.xml service/
COPY tools/pom.xml tools/
RUN mvn -B -q -ntp -pl service dependency:go-offline -Dmaven.test.skip=true || true
COPY schemas schemas
COPY service/src/main service/src/main
RUN mvn -B -q -ntp -pl service -Dmaven.test.skip=true package

FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 guard \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app guard \
 && mkdir -p /var/lib/lockup-guard \
 && chown 10001:10001 /var/lib/lockup-guard
WORKDIR /app
COPY --from=build /src/service/target/lib /app/lib
COPY --from=build /src/service/target/lockup-guard-service.jar /app/lockup-guard.jar
COPY examples /app/examples
# by number: Kubernetes' runAsNonRoot cannot tell that a user named in the image is not root, and refuses it
USER 10001:10001
ENV LOCKUP_GUARD_STATE_DIR=/var/lib/lockup-guard/state \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/lockup-guard
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/lockup-guard.jar"]
CMD ["run"]
