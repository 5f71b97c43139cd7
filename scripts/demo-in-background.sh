# Sourced by the scripts that test against a running demo: starts
# `demo --keep-running --endpoints-file $endpoints "$@"` in the background, stops it and removes
# its directory on exit, and returns once its endpoints file exists (or fails with its log).
# Sets: work (a temporary directory), endpoints (the endpoints JSON file), demo (its pid).

start_demo() {
  work=$(mktemp -d)
  endpoints="$work/endpoints.json"
  java -jar target/lockup-guard.jar demo --keep-running --endpoints-file "$endpoints" "$@" \
    > "$work/demo.log" 2>&1 &
  demo=$!
  trap stop_demo EXIT
  for _ in $(seq 1 240); do
    [ -f "$endpoints" ] && return 0
    if ! kill -0 "$demo" 2>/dev/null; then
      echo "the demo stopped before it was up:"; cat "$work/demo.log"; exit 1
    fi
    sleep 0.5
  done
  echo "the demo did not come up in 2 minutes:"; cat "$work/demo.log"; exit 1
}

stop_demo() {
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -rf "$work"
}
