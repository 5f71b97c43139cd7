#!/usr/bin/env bash
# The dashboard in a real headless browser, against the demo with authentication on:
#   demo --keep-running --http-port 18080 --set api.token=<random>, then: without the token the API
#   and /metrics answer 401 and /health stays open; with it POST /api/orders, /api/holdings and
#   /metrics work (curl); then Debian's Chromium (driven by playwright-core) loads the dashboard, is
#   asked for a token, gets it pasted, sees the letter's holding and its decisions, submits an order
#   and sees it arrive live (the live feed on a single-use ticket, never the token in a URL); then
#   the form's Enter and double click, stale marking, keyboard selection, a hidden tab's feed and
#   a silent feed, some with the guard's answers faked (e2e/dashboard/dashboard.test.mjs).
# The screenshot is kept as target/dashboard.png. Needs node/npm, chromium, a built jar.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
[ -f target/lockup-guard.jar ] || mvn -q -B -DskipTests package
npm ci --prefix e2e/dashboard --no-audit --no-fund --loglevel=error

source scripts/demo-in-background.sh
TOKEN="e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
start_demo --http-port "$PORT" --set "api.token=$TOKEN"
base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $TOKEN")

echo "== without a token: 401 on the API and /metrics, /health open"
for path in /api/holdings /api/decisions /metrics; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  echo "$path -> $status"; [ "$status" = 401 ]
done
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' -X POST "$base/api/orders")
echo "POST /api/orders with a wrong token -> $status"; [ "$status" = 401 ]
status=$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")
echo "/health/ready -> $status"; [ "$status" = 200 ]

echo "== POST /api/orders returns a decision"
decision=$(curl -fsS "${auth[@]}" -X POST "$base/api/orders" -H 'Content-Type: application/json' \
  -d '{"investorId":"dutchess","securityId":"CBYI","kind":"PUBLIC_SALE","quantity":1000}')
echo "$decision"
echo "$decision" | grep -q '"decision":"APPROVED"'

# (no `tee /dev/stderr`: when stderr is a file, tee reopens and truncates it — CI's log)
echo "== /api/holdings lists the letter's holding"
holdings=$(curl -fsS "${auth[@]}" "$base/api/holdings")
echo "$holdings"
echo "$holdings" | grep -q '"investorId":"dutchess","securityId":"CBYI"'

echo "== /metrics shows decision counters"
counters=$(curl -fsS "${auth[@]}" "$base/metrics" | grep '^lockup_guard_decisions_total')
echo "$counters"
echo "$counters" | grep -q 'lockup_guard_decisions_total{outcome="BLOCKED",reason="LOCKUP_ACTIVE"} 1.0'

echo "== the dashboard in headless Chromium"
mkdir -p target
API_TOKEN="$TOKEN" node e2e/dashboard/dashboard.test.mjs "$base/" target/dashboard.png
echo "dashboard: OK (screenshot target/dashboard.png)"
