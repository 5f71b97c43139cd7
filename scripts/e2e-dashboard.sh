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

source scripts/demo-in-background.sh
start_demo --http-port "$PORT"
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
