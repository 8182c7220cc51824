#!/usr/bin/env bash
# Response cache benchmark: Gatehouse's cache and nginx's proxy_cache in front of one nginx origin, in one run.
#   hit-13b, hit-16k  every request a hit (wrk, keep-alive)
#   miss              every request a new URL: a miss stored by the cache; Gatehouse without a cache alongside
# Prints requests/s and the proxy's CPU time per request (user+system from /proc, which stays meaningful on a
# busy machine). See bench/README.md.
#
#   bench/cache.sh            env: DURATION (10s), WARMUP (3s), CONNECTIONS (50), PROXY_CPU (0), LOAD_CPU (1)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
ORIGIN_PORT=${ORIGIN_PORT:-18100}
PROXY_PORT=${PROXY_PORT:-18180}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-50}
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WRK=$(command -v wrk || true)
[[ -x $NGINX ]] || { echo "bench: nginx not found (apt-get install -y nginx)" >&2; exit 1; }
[[ -n $WRK ]] || { echo "bench: wrk not found (apt-get install -y wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/gatehouse-cache-bench.XXXXXX)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '==> %s\n' "$*" >&2; }

wait_port() { # wait_port PORT SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench: nothing listens on $1 after $2 s" >&2
    return 1
}

start() { # start LOG CPU COMMAND...: in its own session, pinned; sets STARTED
    local logfile=$1 cpu=$2
    shift 2
    setsid taskset -c "$cpu" "$@" >"$logfile" 2>&1 &
    STARTED=$!
    PIDS+=("$STARTED")
}

stop() { # stop PID
    kill -TERM -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

cpu_ticks() { # cpu_ticks SESSION: utime+stime of every process in the session
    local total=0 pid t
    for pid in $(ps -o pid= -s "$1"); do
        t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}

# ---- configs

mkdir -p "$WORK"/{origin,nginx}/tmp "$WORK/origin/www" "$WORK/nginx/cache"
head -c 16384 /dev/urandom > "$WORK/origin/www/16k"
cat > "$WORK/origin/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/origin/nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off; client_body_temp_path $WORK/origin/tmp; proxy_temp_path $WORK/origin/tmp;
    fastcgi_temp_path $WORK/origin/tmp; uwsgi_temp_path $WORK/origin/tmp; scgi_temp_path $WORK/origin/tmp;
    keepalive_requests 1000000; keepalive_timeout 300s; etag off;
    server {
        listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
        add_header Cache-Control "max-age=3600" always;
        location = /small { default_type text/plain; return 200 "Hello, world!"; }
        location = /16k { root $WORK/origin/www; }
    }
}
CONF
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/nginx/nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off; client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp;
    fastcgi_temp_path $WORK/nginx/tmp; uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
    keepalive_requests 1000000; keepalive_timeout 300s;
    proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=bench:64m max_size=1g inactive=1h use_temp_path=off;
    upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$PROXY_PORT backlog=4096;
        location / {
            proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
            proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_cache bench; proxy_cache_lock on;
            add_header Cache-Status \$upstream_cache_status;
        }
    }
}
CONF
gatehouse_yaml() { # gatehouse_yaml CACHE(true|false)
    cat <<CONF
listen: { http: $PROXY_PORT, https: off, address: 127.0.0.1 }
access_log: off
cache: { memory: 128mb }
sites:
  localhost: { http: allow, upstream: origin, cache: $1 }
default_site: localhost
upstreams:
  origin: { targets: [127.0.0.1:$ORIGIN_PORT] }
CONF
}
gatehouse_yaml true > "$WORK/gatehouse-cache.yaml"
gatehouse_yaml false > "$WORK/gatehouse-nocache.yaml"
cat > "$WORK/unique.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/small?u=" .. n .. "-" .. math.random(1, 1000000000))
end
LUA

start "$WORK/origin.log" "$LOAD_CPU" "$NGINX" -p "$WORK/origin" -e stderr -c "$WORK/origin/nginx.conf"
wait_port "$ORIGIN_PORT" 10

RESULTS=()
measure() { # measure TARGET SCENARIO PID: warm-up, then DURATION of wrk; appends a result line
    local target=$1 scenario=$2 pid=$3 url args=() out before after rps requests
    case $scenario in
        hit-13b) url=/small ;;
        hit-16k) url=/16k ;;
        miss) url=/small; args=(-s "$WORK/unique.lua") ;;
    esac
    taskset -c "$LOAD_CPU" "$WRK" -t1 -c"$CONNECTIONS" -d"$WARMUP" "${args[@]}" "http://127.0.0.1:$PROXY_PORT$url" \
        >/dev/null 2>&1
    before=$(cpu_ticks "$pid")
    out=$(taskset -c "$LOAD_CPU" "$WRK" -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${args[@]}" \
        "http://127.0.0.1:$PROXY_PORT$url")
    after=$(cpu_ticks "$pid")
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    local hz us
    hz=$(getconf CLK_TCK)
    us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }')
    log "$target $scenario: $rps req/s, $us µs CPU/request, p99 $p99"
    RESULTS+=("| $scenario | $target | $rps | $us | $p99 |")
}

run_target() { # run_target NAME SCENARIO... ; starts the proxy, measures, stops it
    local name=$1 pid
    shift
    case $name in
        nginx-proxy_cache)
            start "$WORK/nginx.log" "$PROXY_CPU" "$NGINX" -p "$WORK/nginx" -e stderr -c "$WORK/nginx/nginx.conf" ;;
        gatehouse-cache)
            start "$WORK/gh-cache.log" "$PROXY_CPU" "$REPO_DIR/gatehouse" run --config "$WORK/gatehouse-cache.yaml" ;;
        gatehouse-nocache)
            start "$WORK/gh-nocache.log" "$PROXY_CPU" "$REPO_DIR/gatehouse" run --config "$WORK/gatehouse-nocache.yaml" ;;
    esac
    pid=$STARTED
    wait_port "$PROXY_PORT" 300
    curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT/small"
    local status
    status=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PROXY_PORT/small" | tr -d '\r' | awk -F': ' 'tolower($1) == "cache-status" { print $2 }')
    log "$name: Cache-Status of a repeated request: ${status:-(none)}"
    for scenario in "$@"; do
        measure "$name" "$scenario" "$pid"
    done
    stop "$pid"
}

run_target nginx-proxy_cache hit-13b hit-16k miss
run_target gatehouse-cache hit-13b hit-16k miss
run_target gatehouse-nocache miss

printf '\n| scenario | proxy | req/s | CPU µs/request | p99 |\n|---|---|--:|--:|--:|\n'
printf '%s\n' "${RESULTS[@]}" | sort
printf '\n%s, %s connections, wrk -t1 on CPU %s, proxy on CPU %s, %s per run after %s warm-up\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$CONNECTIONS" "$LOAD_CPU" "$PROXY_CPU" "$DURATION" "$WARMUP"
