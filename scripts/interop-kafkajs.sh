#!/usr/bin/env bash
# Proves that a client nobody here wrote reads the guard's output: kafkajs reads a decision from
# the demo's orders-blocked topic and @kafkajs/confluent-schema-registry decodes it through the
# demo's schema registry. Needs node/npm and a built jar (mvn -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f target/lockup-guard.jar ] || mvn -q -B -DskipTests package
npm ci --prefix interop/kafkajs --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
endpoints="$work/endpoints.json"
java -jar target/lockup-guard.jar demo --keep-running --endpoints-file "$endpoints" > "$work/demo.log" 2>&1 &
demo=$!
cleanup() {
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  [ -f "$endpoints" ] && break
  if ! kill -0 "$demo" 2>/dev/null; then
    echo "the demo stopped before it was up:"; cat "$work/demo.log"; exit 1
  fi
  sleep 0.5
done
[ -f "$endpoints" ] || { echo "the demo did not come up in 2 minutes:"; cat "$work/demo.log"; exit 1; }

echo "demo endpoints: $(cat "$endpoints")"
node interop/kafkajs/decode-decision.mjs "$endpoints"
echo "kafkajs decoded a decision through the registry: OK"
