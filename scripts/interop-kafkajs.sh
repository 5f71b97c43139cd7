#!/usr/bin/env bash
# Proves that a client nobody here wrote reads the guard's output: kafkajs reads a decision from
# the demo's orders-blocked topic and @kafkajs/confluent-schema-registry decodes it through the
# demo's schema registry, and registers a schema there as it would in Confluent's. Needs node/npm
# and a built jar (mvn -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f target/lockup-guard.jar ] || mvn -q -B -DskipTests package
npm ci --prefix interop/kafkajs --no-audit --no-fund --loglevel=error

source scripts/demo-in-background.sh
start_demo --http-port 0   # the interop reads Kafka and the registry, not HTTP: 8080 may be taken

echo "demo endpoints: $(cat "$endpoints")"
node interop/kafkajs/decode-decision.mjs "$endpoints"
echo "kafkajs decoded a decision through the registry: OK"
node interop/kafkajs/register-schema.mjs "$endpoints"
echo "kafkajs registered a schema at its own compatibility level: OK"
