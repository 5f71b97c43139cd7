#!/usr/bin/env bash
# Prometheus' own checks of deploy/prometheus: the configuration and the alerting rules it loads
# (promtool check config), and the rules' unit tests (promtool test rules alerts.test.yml: each alert
# fires on the series it is meant for, with its text, and not before its `for:`). Uses promtool from
# the PATH, or else from Debian's prometheus package, unpacked in a temporary directory (nothing is
# installed or started).
set -euo pipefail
cd "$(dirname "$0")/.."

promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  if ! (cd "$unpacked" && apt-get download -qq prometheus >/dev/null 2>&1); then
    # a fresh machine may have no package lists yet
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq >/dev/null; else sudo apt-get update -qq >/dev/null; fi
    (cd "$unpacked" && apt-get download -qq prometheus >/dev/null 2>&1)
  fi
  dpkg-deb -x "$unpacked"/prometheus_*.deb "$unpacked/root"
  promtool="$unpacked/root/usr/bin/promtool"
fi
"$promtool" --version 2>&1 | head -1
"$promtool" check config deploy/prometheus/prometheus.yml
"$promtool" test rules deploy/prometheus/alerts.test.yml
