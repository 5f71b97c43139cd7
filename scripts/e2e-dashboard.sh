#!/usr/bin/env bash
# The dashboard in a real headless browser, against the demo:
#   demo --keep-running --http-port 18080, then POST /api/orders, /api/holdings and /metrics
#   checked with curl, then Debian's Chromium (driven by playwright-core) loads the dashboard,
#   sees the letter's holding and its decisions, submits an order and sees it arrive live.
# The screenshot is kept as target/dashboard.png. Needs node/npm, chromium, a built jar.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
[ -f target/lockup-guard.jar ] || mvn -q -B -DskipTests package
npm ci --prefix e2e/dashboard --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
endpoints="$work/endpoints.json"
java -jar target/lockup-guard.jar demo --keep-running --http-port "$PORT" --endpoints-file "$endpoints" \
  > "$work/demo.log" 2>&1 &
demo=$!
cleanup() {
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  [ -f "$endpoints" ] && break
  kill -0 "$demo" 2>/dev/null || { echo "the demo stopped:"; cat "$work/demo.log"; exit 1; }
  sleep 0.5
done
[ -f "$endpoints" ] || { echo "the demo did not come up:"; cat "$work/demo.log"; exit 1; }
base="http://127.0.0.1:$PORT"

echo "== POST /api/orders returns a decision"
decision=$(curl -fsS -X POST "$base/api/orders" -H 'Content-Type: application/json' \
  -d '{"investorId":"dutchess","securityId":"CBYI","kind":"PUBLIC_SALE","quantity":1000}')
echo "$decision"
echo "$decision" | grep -q '"decision":"APPROVED"'

# (no `tee /dev/stderr`: when stderr is a file, tee reopens and truncates it — CI's log)
echo "== /api/holdings lists the letter's holding"
holdings=$(curl -fsS "$base/api/holdings")
echo "$holdings"
echo "$holdings" | grep -q '"investorId":"dutchess","securityId":"CBYI"'

echo "== /metrics shows decision counters"
counters=$(curl -fsS "$base/metrics" | grep '^lockup_guard_decisions_total')
echo "$counters"
echo "$counters" | grep -q 'lockup_guard_decisions_total{outcome="BLOCKED",reason="LOCKUP_ACTIVE"} 1.0'

echo "== the dashboard in headless Chromium"
mkdir -p target
node e2e/dashboard/dashboard.test.mjs "$base/" target/dashboard.png
echo "dashboard: OK (screenshot target/dashboard.png)"
