#!/usr/bin/env bash
# Mutation testing (PIT) of the service's pure packages: how many small deliberate faults in the code its unit tests
# catch. Usage: scripts/mutation.sh [package ...], packages under com.lockupguard (default: rules state), e.g.
# scripts/mutation.sh timeline contract. Each package's code is mutated and its own package's tests run against it.
# Prints PIT's summary (mutants killed, survived, not covered); the report: service/target/pit-reports/index.html.
# Not part of CI: the rule engine and the store codec take about 7 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- rules state
packages=$(printf 'com.lockupguard.%s.*,' "$@")
packages=${packages%,}
exec mvn -B -ntp -pl service test-compile org.pitest:pitest-maven:mutationCoverage \
  -DtargetClasses="$packages" -DtargetTests="$packages" -Dthreads="${PIT_THREADS:-1}"
