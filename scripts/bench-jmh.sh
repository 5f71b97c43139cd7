#!/usr/bin/env bash
# JMH benchmarks of the rule engine alone, of the replay through the topology test driver and of a holding's
# open reservations as the API reads them (all in the tools module's tests).
# Usage: scripts/bench-jmh.sh [JMH options], e.g. scripts/bench-jmh.sh RuleEngineBenchmark -f 1 -i 3
# Prints JMH's table and the machine it ran on. Not part of CI: benchmarks are timed here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl tools -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
exec java -cp "tools/target/test-classes:tools/target/classes:$(cat tools/target/test-classpath.txt)" \
  org.openjdk.jmh.Main "$@"
