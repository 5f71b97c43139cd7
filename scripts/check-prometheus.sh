#!/usr/bin/env bash
# Prometheus' own checks of deploy/prometheus: the configuration and the alerting rules it loads
# (promtool check config), and the rules' unit tests (promtool test rules alerts.test.yml: each alert
# fires on the series it is meant for, with its text, and not before its `for:`). Uses promtool from
# the PATH, or else from Debian's prometheus package, unpacked in a temporary directory (nothing is
# installed or started). Debian's is Prometheus 2; docker-compose.yml runs Prometheus 3, whose range
# selectors leave out a sample at a window's left edge: a promtool of the compose file's version, put on
# the PATH, checks the rules on the engine that runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  download() { (cd "$unpacked" && apt-get "$@" download -qq prometheus) >/dev/null 2>&1; }
  if ! download; then
    # no package lists yet (a fresh machine): fetch them into a directory of its own, which needs no root
    mkdir -p "$unpacked/lists/partial" "$unpacked/cache/archives/partial"
    private=(-o "Dir::State::Lists=$unpacked/lists" -o "Dir::Cache=$unpacked/cache" -o Debug::NoLocking=1)
    apt-get "${private[@]}" update -qq >/dev/null 2>&1 || true
    download "${private[@]}" || {
      echo "check-prometheus: cannot download Debian's prometheus package for promtool (apt-get download prometheus)" >&2
      exit 1
    }
  fi
  dpkg-deb -x "$unpacked"/prometheus_*.deb "$unpacked/root"
  promtool="$unpacked/root/usr/bin/promtool"
fi
"$promtool" --version 2>&1 | head -1
"$promtool" check config deploy/prometheus/prometheus.yml
"$promtool" test rules deploy/prometheus/alerts.test.yml
