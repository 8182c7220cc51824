#!/usr/bin/env bash
# Fifty names in seconds: how long Gatehouse takes from launch until 50 new names are served with certificates that
# verify against the CA, ordered from a local pebble (PEBBLE_VA_NOSLEEP=1, challenges really validated over HTTP-01
# on Gatehouse's own listener). The IT AcmeRobustnessIT checks that all 50 are served; this script measures the time.
#
#   bench/acme-fifty.sh [NAMES]          NAMES: how many names (default 50)
#   env: BASE_PORT (24000: pebble, its management and DNS, and Gatehouse's listeners use the next few ports),
#        DEADLINE (180 s), GATEHOUSE_JAVA_OPTS
# Needs: pebble (Debian package, with pebble-challtestsrv), openssl, curl, java 17. Prints one line:
#   acme-fifty: 50/50 names served with verified certificates 4.8 s after launch (first 2.1 s)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
NAMES=${1:-50}
BASE_PORT=${BASE_PORT:-24000}
DEADLINE=${DEADLINE:-180}
ACME_PORT=$BASE_PORT
MGMT_PORT=$((BASE_PORT + 1))
DNS_PORT=$((BASE_PORT + 2))
DNS_MGMT_PORT=$((BASE_PORT + 3))
HTTP_PORT=$((BASE_PORT + 4))
HTTPS_PORT=$((BASE_PORT + 5))

for tool in pebble pebble-challtestsrv openssl curl java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "acme-fifty: $tool not found (apt-get install pebble openssl curl openjdk-17-jdk-headless)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/acme-fifty.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_port() { # port what
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "acme-fifty: $2 not listening on 127.0.0.1:$1" >&2
  exit 1
}

# Pebble's own HTTPS: a throwaway CA and a 127.0.0.1 certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=acme-fifty pebble CA" \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$WORK/pebble.key" -out "$WORK/pebble.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$WORK/san.ext"
openssl x509 -req -in "$WORK/pebble.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
  -extfile "$WORK/san.ext" -out "$WORK/pebble.pem" 2>/dev/null

# Every name resolves to 127.0.0.1 for pebble's VA, which fetches HTTP-01 answers from Gatehouse's http port.
pebble-challtestsrv -management "127.0.0.1:$DNS_MGMT_PORT" -dns01 "127.0.0.1:$DNS_PORT" -http01 "" -https01 "" \
  -tlsalpn01 "" -defaultIPv4 127.0.0.1 -defaultIPv6 "" > "$WORK/challtestsrv.log" 2>&1 &
pids+=($!)
cat > "$WORK/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$ACME_PORT", "managementListenAddress": "127.0.0.1:$MGMT_PORT",
  "certificate": "$WORK/pebble.pem", "privateKey": "$WORK/pebble.key", "httpPort": $HTTP_PORT,
  "tlsPort": $HTTPS_PORT, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
  pebble -config "$WORK/pebble.json" -dnsserver "127.0.0.1:$DNS_PORT" > "$WORK/pebble.log" 2>&1 &
pids+=($!)
wait_port "$ACME_PORT" pebble
wait_port "$MGMT_PORT" "pebble management"
curl -sf --cacert "$WORK/ca.pem" "https://127.0.0.1:$MGMT_PORT/roots/0" > "$WORK/root.pem"

{
  echo "email: ops@example.com"
  echo "acme: { directory: \"https://127.0.0.1:$ACME_PORT/dir\", trust: \"$WORK/ca.pem\" }"
  echo "storage: $WORK/data"
  echo "listen: { http: $HTTP_PORT, https: $HTTPS_PORT, address: 127.0.0.1 }"
  echo "access_log: off"
  echo "sites:"
  for i in $(seq 1 "$NAMES"); do printf '  n%03d.test: { tls: acme, respond: { status: 200, body: "ok" } }\n' "$i"; done
} > "$WORK/gatehouse.yaml"

# Build first, so the timing starts at the JVM's launch, not at a compile.
"$REPO_DIR/gatehouse" validate "$WORK/gatehouse.yaml" > /dev/null

start=$(date +%s.%N)
GATEHOUSE_JAVA_OPTS=${GATEHOUSE_JAVA_OPTS:-} "$REPO_DIR/gatehouse" run --config "$WORK/gatehouse.yaml" \
  > "$WORK/gatehouse.out" 2> "$WORK/gatehouse.log" &
pids+=($!)

pending=()
for i in $(seq 1 "$NAMES"); do pending+=("$(printf 'n%03d.test' "$i")"); done
first=""
while [ "${#pending[@]}" -gt 0 ]; do
  now=$(date +%s.%N)
  if awk -v n="$now" -v s="$start" -v d="$DEADLINE" 'BEGIN { exit !(n - s > d) }'; then break; fi
  args=()
  for name in "${pending[@]}"; do
    args+=(--resolve "$name:$HTTPS_PORT:127.0.0.1" -o /dev/null "https://$name:$HTTPS_PORT/")
  done
  # One curl for all pending names; a name whose certificate does not verify yet fails alone.
  served=$(curl -s --max-time 5 --cacert "$WORK/root.pem" -w '%{http_code} %{url_effective}\n' \
    "${args[@]}" 2>/dev/null | awk '$1 == 200 { sub("https://", "", $2); sub(":.*", "", $2); print $2 }' || true)
  if [ -n "$served" ]; then
    [ -z "$first" ] && first=$(date +%s.%N)
    next=()
    for name in "${pending[@]}"; do grep -qx "$name" <<< "$served" || next+=("$name"); done
    pending=("${next[@]}")
  fi
  [ "${#pending[@]}" -gt 0 ] && sleep 0.05
done
end=$(date +%s.%N)

done_count=$((NAMES - ${#pending[@]}))
# When the HTTPS listener was bound, from Gatehouse's own log: the JVM's start and the local work before ordering.
listening=$(grep -m1 'listening for https' "$WORK/gatehouse.log" | cut -d' ' -f1 || true)
if [ -n "$listening" ]; then
  awk -v s="$start" -v l="$(date -d "$listening" +%s.%N)" 'BEGIN { printf "acme-fifty: https listener bound %.1f s after launch\n", l - s }'
fi
awk -v c="$done_count" -v n="$NAMES" -v s="$start" -v e="$end" -v f="${first:-$end}" 'BEGIN {
  printf "acme-fifty: %d/%d names served with verified certificates %.1f s after launch (first %.1f s)\n", c, n, e - s, f - s }'
if [ "${#pending[@]}" -gt 0 ]; then
  echo "acme-fifty: not served after ${DEADLINE}s: ${pending[*]:0:5} ...; gatehouse log tail:" >&2
  tail -20 "$WORK/gatehouse.log" >&2
  exit 1
fi
