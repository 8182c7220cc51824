#!/usr/bin/env bash
# Compression benchmark: a 64 KiB HTML page from one nginx origin, compressed by Gatehouse (compress) and by nginx
# (gzip on) at the same gzip level, in one run; Gatehouse's zstd and br beside them, and both proxies without
# compression as the baseline. Prints requests/s, the proxy's CPU time per request (user+system from /proc, which
# stays meaningful on a busy machine), the bytes of one response and the ratio. Each coding is first checked by
# decoding a response with its own program (gzip, zstd, brotli) and comparing it with the page. See bench/README.md.
#
#   bench/compress.sh     env: KEEP (1: keep the temp dir), LEVEL (gzip level for both, 5), DURATION (10s), WARMUP (3s), CONNECTIONS (50),
#                              PROXY_CPU (0), LOAD_CPU (1)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
ORIGIN_PORT=${ORIGIN_PORT:-18200}
PROXY_PORT=${PROXY_PORT:-18280}
LEVEL=${LEVEL:-5}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-50}
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WRK=$(command -v wrk || true)
[[ -x $NGINX ]] || { echo "bench: nginx not found (apt-get install -y nginx)" >&2; exit 1; }
[[ -n $WRK ]] || { echo "bench: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
for tool in curl gzip zstd brotli; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y $tool)" >&2; exit 1; }
done
[[ $LEVEL =~ ^[1-9]$ ]] || { echo "bench: LEVEL=$LEVEL (expected: a gzip level, 1..9)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/gatehouse-compress-bench.XXXXXX)
chmod 755 "$WORK" # nginx's workers (nobody, when started as root) read the page from here
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
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

# ---- the page: a 64 KiB HTML table, varied like a real one (numbers, ids), the same in every run

mkdir -p "$WORK"/{origin,nginx}/tmp "$WORK/origin/www"
awk 'BEGIN {
    srand(42); print "<!doctype html>\n<html><head><title>Orders</title><link rel=\"stylesheet\" href=\"/s.css\"></head>"
    print "<body><main><h1>Orders</h1><table class=\"orders\"><thead><tr><th>#</th><th>Customer</th><th>Total</th>"
    print "<th>Status</th></tr></thead><tbody>"
    split("paid shipped pending refunded cancelled", st, " ")
    for (i = 1; i <= 900; i++)
        printf "<tr id=\"o%d\"><td>%d</td><td><a href=\"/customers/%x\">customer-%x</a></td><td>%.2f EUR</td><td class=\"%s\">%s</td></tr>\n",
            i, i, int(rand() * 16777216), int(rand() * 16777216), rand() * 1000, st[int(rand() * 5) + 1], st[int(rand() * 5) + 1]
}' > "$WORK/page-long.html"
head -c 65536 "$WORK/page-long.html" > "$WORK/origin/www/page.html"
PAGE_BYTES=$(stat -c %s "$WORK/origin/www/page.html")

cat > "$WORK/origin/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/origin/nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off; client_body_temp_path $WORK/origin/tmp; proxy_temp_path $WORK/origin/tmp;
    fastcgi_temp_path $WORK/origin/tmp; uwsgi_temp_path $WORK/origin/tmp; scgi_temp_path $WORK/origin/tmp;
    keepalive_requests 1000000; keepalive_timeout 300s; gzip off;
    types { text/html html; }
    server {
        listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
        location / { root $WORK/origin/www; }
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
    gzip on; gzip_comp_level $LEVEL; gzip_min_length 1024; gzip_proxied any; gzip_vary on; # gzip_types: text/html, the default
    upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$PROXY_PORT backlog=4096;
        location / {
            proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
            proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
cat > "$WORK/gatehouse.yaml" <<CONF
listen: { http: $PROXY_PORT, https: off, address: 127.0.0.1 }
access_log: off
sites:
  localhost:
    http: allow
    upstream: origin
    compress: { algorithms: [zstd, br, gzip], level: { gzip: $LEVEL } }
default_site: localhost
upstreams:
  origin: { targets: [127.0.0.1:$ORIGIN_PORT] }
CONF

start "$WORK/origin.log" "$LOAD_CPU" "$NGINX" -p "$WORK/origin" -e stderr -c "$WORK/origin/nginx.conf"
wait_port "$ORIGIN_PORT" 10

RESULTS=()
check() { # check CODING: one response decoded by its own program must be the page; sets BYTES
    local coding=$1 got decoder
    got=$(curl -s -D "$WORK/head" -H "Accept-Encoding: $coding" -o "$WORK/body" \
        -w '%{size_download}' "http://127.0.0.1:$PROXY_PORT/page.html")
    case $coding in
        identity) decoder=(cat) ;;
        gzip) decoder=(gzip -dc) ;;
        zstd) decoder=(zstd -dcq) ;;
        br) decoder=(brotli -dc) ;;
    esac
    if [[ $coding != identity ]] && ! tr -d '\r' <"$WORK/head" | grep -qi "^content-encoding: $coding\$"; then
        echo "bench: asked for $coding, got: $(tr -d '\r' <"$WORK/head" | grep -i '^content-encoding' || echo none)" >&2
        exit 1
    fi
    "${decoder[@]}" <"$WORK/body" | cmp -s - "$WORK/origin/www/page.html" \
        || { echo "bench: the $coding response does not decode to the page" >&2; exit 1; }
    BYTES=$got
}

measure() { # measure TARGET CODING PID: warm-up, then DURATION of wrk; appends a result line
    local target=$1 coding=$2 pid=$3 out before after rps requests p99 hz us args=()
    check "$coding"
    [[ $coding == identity ]] || args=(-H "Accept-Encoding: $coding")
    taskset -c "$LOAD_CPU" "$WRK" -t1 -c"$CONNECTIONS" -d"$WARMUP" "${args[@]}" \
        "http://127.0.0.1:$PROXY_PORT/page.html" >/dev/null 2>&1
    before=$(cpu_ticks "$pid")
    out=$(taskset -c "$LOAD_CPU" "$WRK" -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${args[@]}" \
        "http://127.0.0.1:$PROXY_PORT/page.html")
    after=$(cpu_ticks "$pid")
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    hz=$(getconf CLK_TCK)
    us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }')
    local ratio
    ratio=$(awk -v a="$PAGE_BYTES" -v b="$BYTES" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
    log "$target $coding: $rps req/s, $us µs CPU/request, $BYTES bytes (ratio $ratio), p99 $p99"
    RESULTS+=("| $coding | $target | $rps | $us | $BYTES | $ratio | $p99 |")
}

run_target() { # run_target NAME CODING... ; starts the proxy, measures, stops it
    local name=$1 pid
    shift
    case $name in
        nginx) start "$WORK/nginx.log" "$PROXY_CPU" "$NGINX" -p "$WORK/nginx" -e stderr -c "$WORK/nginx/nginx.conf" ;;
        gatehouse) start "$WORK/gatehouse.log" "$PROXY_CPU" "$REPO_DIR/gatehouse" run --config "$WORK/gatehouse.yaml" ;;
    esac
    pid=$STARTED
    wait_port "$PROXY_PORT" 300
    for coding in "$@"; do
        measure "$name" "$coding" "$pid"
    done
    stop "$pid"
}

run_target nginx identity gzip
run_target gatehouse identity gzip zstd br

printf '\n| coding | proxy | req/s | CPU µs/request | bytes | ratio | p99 |\n|---|---|--:|--:|--:|--:|--:|\n'
printf '%s\n' "${RESULTS[@]}"
printf '\n%s, %s-byte page, gzip level %s for both (Gatehouse: zstd 3, br 4), %s connections, wrk -t1 on CPU %s, proxy on CPU %s, %s per run after %s warm-up\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$PAGE_BYTES" "$LEVEL" "$CONNECTIONS" "$LOAD_CPU" "$PROXY_CPU" "$DURATION" "$WARMUP"
