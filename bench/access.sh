#!/usr/bin/env bash
# The per-request cost of access control: Gatehouse's CPU time per request (from /proc/PID/stat) for the same fixed
# answer with no rule, with a rate limit that admits everything (the bucket is still looked up and updated), and with
# basic auth (a right password, remembered after the first request). wrk is the client; rounds are interleaved.
#
#   bench/access.sh                 env: DURATION (10s), ROUNDS (3), CONNECTIONS (16), PORT (18090),
#                                        GATEHOUSE_JAVA_OPTS (the launcher's defaults)
# Figures only mean something on a quiet machine; pin with taskset as bench/run.sh does for final numbers.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18090}
JAVA_OPTS=${GATEHOUSE_JAVA_OPTS:--XX:+UseSerialGC -Xms32m -Xmx256m -Dio.netty.leakDetection.level=disabled}

command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install -y wrk)" >&2; exit 1; }
jar=$REPO_DIR/target/gatehouse.jar
[ -f "$jar" ] || (cd "$REPO_DIR" && ./mvnw -q -B -DskipTests package)

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

hash=$(echo 'bench-password' | java -jar "$jar" hash-password --algorithm bcrypt --cost 10)
auth="Basic $(printf 'bench:bench-password' | base64)"
cat > "$work/gatehouse.yaml" <<YAML
listen: { http: $PORT, https: off, address: 127.0.0.1 }
access_log: off
sites:
  none.test:
    respond: { status: 200, body: "hello, world\n" }
  limited.test:
    rate_limit: { rate: 100000/s, burst: 100000 }
    respond: { status: 200, body: "hello, world\n" }
  auth.test:
    basic_auth: { users: { bench: "$hash" } }
    respond: { status: 200, body: "hello, world\n" }
YAML

# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$jar" run --config "$work/gatehouse.yaml" > "$work/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
    curl -s -o /dev/null -H 'Host: none.test' "http://127.0.0.1:$PORT/" && break
    sleep 0.2
done
ticks_per_s=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

run() { # site [header]
    local site=$1 extra=()
    [ "$#" -gt 1 ] && extra=(-H "$2")
    local before after out reqs
    before=$(cpu_ticks)
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Host: $site" "${extra[@]}" "http://127.0.0.1:$PORT/")
    after=$(cpu_ticks)
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    if grep -q "Non-2xx" <<<"$out"; then echo "bench: $site answered non-2xx: $out" >&2; exit 1; fi
    awk -v t=$((after - before)) -v hz="$ticks_per_s" -v n="$reqs" 'BEGIN { printf "%.2f %d\n", t / hz * 1e6 / n, n }'
}

# warm-up: the JIT and the remembered password
for site in none.test limited.test; do DURATION=3s run "$site" >/dev/null; done
DURATION=3s run auth.test "Authorization: $auth" >/dev/null

declare -A total=([none]=0 [rate_limit]=0 [basic_auth]=0)
for r in $(seq 1 "$ROUNDS"); do
    read -r none _ < <(run none.test)
    read -r limited _ < <(run limited.test)
    read -r basic _ < <(run auth.test "Authorization: $auth")
    echo "round $r: none ${none} µs, rate_limit ${limited} µs, basic_auth ${basic} µs CPU per request" >&2
    total[none]=$(awk -v a="${total[none]}" -v b="$none" 'BEGIN {print a + b}')
    total[rate_limit]=$(awk -v a="${total[rate_limit]}" -v b="$limited" 'BEGIN {print a + b}')
    total[basic_auth]=$(awk -v a="${total[basic_auth]}" -v b="$basic" 'BEGIN {print a + b}')
done
echo "| rule | CPU per request (µs, mean of $ROUNDS) | vs none |"
echo "|---|--:|--:|"
for k in none rate_limit basic_auth; do
    awk -v k="$k" -v v="${total[$k]}" -v base="${total[none]}" -v n="$ROUNDS" \
        'BEGIN { printf "| %s | %.2f | %.2fx |\n", k, v / n, v / base }'
done
