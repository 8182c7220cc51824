#!/usr/bin/env bash
# Side-by-side benchmark: Gatehouse, nginx and HAProxy proxying to one nginx origin on loopback,
# one after another in the same run, with wrk as the load generator. See bench/README.md.
#
#   bench/run.sh [--only direct|gatehouse|nginx|haproxy]... [--connections N] [--rounds N] [--https] [--h2] [--keep]
#   env: DURATION (10s), WARMUP (3s), PROXY_CPU (0), LOAD_CPU (1), GATEHOUSE_JAVA_OPTS,
#        GATEHOUSE_START_TIMEOUT (300 s, covers a first build of target/gatehouse.jar)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
CONF_DIR=$BENCH_DIR/conf
RESULTS_DIR=$BENCH_DIR/results

ORIGIN_PORT=${ORIGIN_PORT:-18000}
PROXY_PORT=${PROXY_PORT:-18080}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
START_TIMEOUT=${START_TIMEOUT:-30}
GATEHOUSE_START_TIMEOUT=${GATEHOUSE_START_TIMEOUT:-300}
CONNECTIONS=50
ROUNDS=${ROUNDS:-1}
KEEP_WORK=0
HTTPS=0
H2=0
# --h2: h2load's connections and streams per connection (HTTP/2 over TLS, /small).
H2_CONNECTIONS=${H2_CONNECTIONS:-16}
H2_STREAMS=${H2_STREAMS:-10}
# plain: the proxy listens for plain HTTP; tls: it terminates TLS (--https); h2: TLS with ALPN h2
# (--h2). Used by render.
MODE=plain

KNOWN_TARGETS=(direct gatehouse nginx haproxy)
SIZES=(small 16k)
declare -A EXPECTED_BYTES=([small]=13 [16k]=16384)
# --https rows, numbered after SIZES in the results: keep-alive HTTPS, and a new TLS connection
# (full handshake) per request. Both fetch /small.
TLS_TESTS=(tls-keepalive tls-handshake)

# Process-group (session) leaders started by this script; each is stopped at exit.
STARTED=()
STARTED_PID=
WORK=

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
Usage: bench/run.sh [--only TARGET]... [--connections N] [--rounds N] [--https] [--h2] [--keep]

Runs wrk against each target in turn, all proxying to the same nginx origin on 127.0.0.1:$ORIGIN_PORT,
and prints a markdown table (also written to bench/results/latest.md).

  --only TARGET     one of: ${KNOWN_TARGETS[*]} (repeatable; default: all).
                    "direct" is wrk straight to the origin: the ceiling of the load side.
  --connections N   wrk connections (default $CONNECTIONS)
  --rounds N        measure everything N times, interleaved, and report the median (default 1;
                    env ROUNDS)
  --https           also measure each proxy terminating TLS 1.3 (ECDSA P-256, self-signed for
                    localhost, made for this run): keep-alive HTTPS req/s, and full handshakes/s
                    (a new connection per request); extra rows in the table
  --h2              also measure each proxy serving HTTP/2 over TLS (ALPN h2) with h2load:
                    $H2_CONNECTIONS connections x $H2_STREAMS concurrent streams, /small (env H2_CONNECTIONS,
                    H2_STREAMS); an extra row in the table
  --keep            keep the temporary work dir (configs, logs) instead of deleting it
  -h, --help        this text

Environment: DURATION (default 10s), WARMUP (default 3s), PROXY_CPU (0), LOAD_CPU (1),
GATEHOUSE_JAVA_OPTS (JVM flags for ./gatehouse; unset means the launcher's defaults),
GATEHOUSE_START_TIMEOUT (seconds, default 300: includes a first build of the jar).
EOF
}

# ---------------------------------------------------------------- arguments

parse_args() {
    TARGETS=()
    while (($#)); do
        case $1 in
            --only)
                (($# >= 2)) || die "--only needs a value (expected: ${KNOWN_TARGETS[*]})"
                [[ " ${KNOWN_TARGETS[*]} " == *" $2 "* ]] || die "--only $2 (expected: ${KNOWN_TARGETS[*]})"
                [[ " ${TARGETS[*]} " == *" $2 "* ]] || TARGETS+=("$2")
                shift 2 ;;
            --connections)
                (($# >= 2)) || die "--connections needs a value (expected: an integer > 0)"
                [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--connections $2 (expected: an integer > 0)"
                CONNECTIONS=$2
                shift 2 ;;
            --rounds)
                (($# >= 2)) || die "--rounds needs a value (expected: an integer > 0)"
                ROUNDS=$2
                shift 2 ;;
            --keep) KEEP_WORK=1; shift ;;
            --https) HTTPS=1; shift ;;
            --h2) H2=1; shift ;;
            -h|--help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
    if ((${#TARGETS[@]} == 0)); then
        TARGETS=("${KNOWN_TARGETS[@]}")
    else
        # Always measure in the documented order, whatever the order of the flags.
        local ordered=() t
        for t in "${KNOWN_TARGETS[@]}"; do
            [[ " ${TARGETS[*]} " == *" $t "* ]] && ordered+=("$t")
        done
        TARGETS=("${ordered[@]}")
    fi
    [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "rounds $ROUNDS (expected: an integer > 0)"
    [[ $DURATION =~ ^[0-9]+[smh]?$ ]] || die "DURATION=$DURATION (expected: e.g. 10s, 1m)"
    [[ $WARMUP =~ ^[0-9]+[smh]?$ ]] || die "WARMUP=$WARMUP (expected: e.g. 3s)"
}

wants() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- tools

# Debian installs nginx and haproxy under /usr/sbin, which is not on a normal user's PATH.
find_bin() {
    local name=$1 dir
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for dir in /usr/sbin /sbin /usr/local/sbin; do
        if [[ -x $dir/$name ]]; then echo "$dir/$name"; return 0; fi
    done
    return 1
}

install_missing() {
    local -A package_of=([nginx]=nginx [wrk]=wrk [curl]=curl [taskset]=util-linux [ps]=procps)
    ((HTTPS || H2)) && package_of[openssl]=openssl && package_of[cc]=gcc
    ((H2)) && package_of[h2load]=nghttp2-client
    wants haproxy && package_of[haproxy]=haproxy
    local missing=() cmd
    for cmd in "${!package_of[@]}"; do
        find_bin "$cmd" >/dev/null || missing+=("${package_of[$cmd]}")
    done
    ((${#missing[@]} == 0)) && return 0

    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing packages ${missing[*]} and not root; install them or run as root"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]}, and no apt-get to install them with"
    log "installing ${missing[*]} with apt-get"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ---------------------------------------------------------------- processes

# start_bg NAME DIR CPU LOG COMMAND...: starts COMMAND in its own session (so the whole tree it
# forks can be stopped by its id), pinned to CPU, output to LOG. Sets STARTED_PID.
start_bg() {
    local name=$1 dir=$2 cpu=$3 logfile=$4
    shift 4
    # In a script without job control a background child is not a group leader, so setsid
    # does not fork and $! is the server's own pid (and its session id).
    (cd "$dir" && exec setsid taskset -c "$cpu" "$@") >"$logfile" 2>&1 </dev/null &
    STARTED_PID=$!
    STARTED+=("$STARTED_PID")
    log "$name started: pid $STARTED_PID on CPU $cpu (log $logfile)"
}

session_pids() { ps -o pid= -s "$1" 2>/dev/null | tr -s ' \n' ' '; }

stop_session() {
    local sid=$1 i
    kill -TERM -- "-$sid" 2>/dev/null || kill -TERM "$sid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        [[ -z $(session_pids "$sid") ]] && break
        sleep 0.1
    done
    kill -KILL -- "-$sid" 2>/dev/null || true
    wait "$sid" 2>/dev/null || true
    local kept=()
    for i in "${STARTED[@]}"; do [[ $i == "$sid" ]] || kept+=("$i"); done
    STARTED=("${kept[@]+"${kept[@]}"}")
}

cleanup() {
    local status=$? pid
    [[ -n $WRK_PID ]] && kill -TERM "$WRK_PID" 2>/dev/null
    for pid in "${STARTED[@]+"${STARTED[@]}"}"; do stop_session "$pid"; done
    if [[ -n $WORK && -d $WORK ]]; then
        if ((KEEP_WORK)); then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
    fi
    exit "$status"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port NAME PID PORT TIMEOUT LOG: waits until PORT accepts connections; fails with the
# end of LOG if PID exits first or TIMEOUT seconds pass.
wait_port() {
    local name=$1 pid=$2 port=$3 timeout=$4 logfile=$5
    local deadline=$((SECONDS + timeout))
    until port_open "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail "$logfile"
            die "$name exited before listening on 127.0.0.1:$port (log above)"
        fi
        if ((SECONDS >= deadline)); then
            show_log_tail "$logfile"
            die "$name did not listen on 127.0.0.1:$port within ${timeout}s (log above)"
        fi
        sleep 0.2
    done
}

show_log_tail() {
    printf -- '---- last lines of %s ----\n' "$1" >&2
    tail -n 30 "$1" >&2 || true
    printf -- '----\n' >&2
}

require_port_free() {
    if port_open "$1"; then
        die "127.0.0.1:$1 is already in use (see: ss -ltnp 'sport = :$1'); stop that process first"
    fi
}

# rss_kib SESSION FIELD: sum of FIELD (VmRSS or VmHWM) over every process of the session, in KiB.
rss_kib() {
    local sid=$1 field=$2 total=0 pid value
    for pid in $(session_pids "$sid"); do
        value=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---------------------------------------------------------------- setup

render() { # render TEMPLATE OUT: fills in ports, the work dir and, after MODE, plain or TLS settings
    local nginx_ssl='' nginx_tls haproxy_ssl='' scheme=http gatehouse_listen="http: $PROXY_PORT, https: off" gatehouse_tls
    nginx_tls='# plain HTTP (bench/run.sh --https puts the TLS settings here)'
    gatehouse_tls=$nginx_tls
    if [[ $MODE == tls || $MODE == h2 ]]; then
        nginx_ssl=' ssl'
        nginx_tls="ssl_certificate $TLS_DIR/cert.pem; ssl_certificate_key $TLS_DIR/key.pem; ssl_protocols TLSv1.3;"
        haproxy_ssl=" ssl crt $TLS_DIR/cert-and-key.pem ssl-min-ver TLSv1.3"
        if [[ $MODE == h2 ]]; then
            # Gatehouse offers h2 by ALPN on every HTTPS listener; nginx and HAProxy are told to.
            nginx_ssl=' ssl http2'
            haproxy_ssl="$haproxy_ssl alpn h2,http/1.1"
        fi
        scheme=https
        gatehouse_listen="http: off, https: $PROXY_PORT"
        gatehouse_tls="tls: { cert: $TLS_DIR/cert.pem, key: $TLS_DIR/key.pem }"
    fi
    sed -e "s|@WORK@|$WORK|g" -e "s|@ORIGIN_PORT@|$ORIGIN_PORT|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" \
        -e "s|@NGINX_SSL@|$nginx_ssl|g" -e "s|@NGINX_TLS@|$nginx_tls|g" \
        -e "s|@HAPROXY_SSL@|$haproxy_ssl|g" -e "s|@SCHEME@|$scheme|g" \
        -e "s|@GATEHOUSE_LISTEN@|$gatehouse_listen|g" -e "s|@GATEHOUSE_TLS@|$gatehouse_tls|g" "$1" >"$2"
}

# setup_tls: once per run, an ECDSA P-256 key and a self-signed certificate for localhost in
# $WORK/tls, the cert+key PEM HAProxy wants, and the LD_PRELOAD shim that keeps wrk from resuming
# TLS sessions (bench/wrk-no-resume.c).
TLS_DIR=
NO_RESUME_LIB=
setup_tls() {
    TLS_DIR=$WORK/tls
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost \
        -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" >"$TLS_DIR/openssl.log" 2>&1 ||
        { cat "$TLS_DIR/openssl.log" >&2; die "openssl could not make the test certificate"; }
    cat "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem" >"$TLS_DIR/cert-and-key.pem"
    # nginx workers run as nobody when started as root; only the master reads the key, but keep
    # the dir readable like the rest of the work dir.
    chmod 755 "$TLS_DIR"
    log "TLS: ECDSA P-256 self-signed certificate for localhost in $TLS_DIR"
    NO_RESUME_LIB=$TLS_DIR/wrk-no-resume.so
    cc -shared -fPIC -O2 -o "$NO_RESUME_LIB" "$BENCH_DIR/wrk-no-resume.c" -ldl >"$TLS_DIR/cc.log" 2>&1 ||
        { cat "$TLS_DIR/cc.log" >&2; die "could not build $BENCH_DIR/wrk-no-resume.c"; }
}

# check_config NAME COMMAND...: runs a server's own config check; shows its output when it fails.
check_config() {
    local name=$1 out
    shift
    out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; die "$name: the generated config was rejected (output above)"; }
}

nginx_dirs() { mkdir -p "$1"/tmp/{body,proxy,fastcgi,uwsgi,scgi}; }

start_origin() {
    nginx_dirs "$WORK/origin"
    mkdir -p "$WORK/origin/www"
    head -c 16384 /dev/zero | tr '\0' 'x' >"$WORK/origin/www/16k"
    render "$CONF_DIR/origin-nginx.conf" "$WORK/origin/nginx.conf"
    check_config origin "$NGINX" -t -q -p "$WORK/origin" -e stderr -c "$WORK/origin/nginx.conf"
    require_port_free "$ORIGIN_PORT"
    start_bg origin "$WORK" "$LOAD_CPU" "$WORK/origin.log" \
        "$NGINX" -p "$WORK/origin" -e stderr -c "$WORK/origin/nginx.conf"
    ORIGIN_PID=$STARTED_PID
    wait_port origin "$ORIGIN_PID" "$ORIGIN_PORT" "$START_TIMEOUT" "$WORK/origin.log"
    check_responses origin "$ORIGIN_PORT"
}

# check_responses NAME PORT: each size must come back as 200 with the exact body length.
check_responses() {
    local name=$1 port=$2 size got url=http://127.0.0.1:$2 tls=()
    if [[ $MODE == tls || $MODE == h2 ]]; then
        # The certificate must verify against the one made for this run, over TLS 1.3.
        url=https://localhost:$port
        tls=(--cacert "$TLS_DIR/cert.pem" --tlsv1.3 --resolve "localhost:$port:127.0.0.1")
    fi
    for size in "${SIZES[@]}"; do
        got=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 \
            "${tls[@]+"${tls[@]}"}" "$url/$size" 2>&1 || true)
        [[ $got == "200 ${EXPECTED_BYTES[$size]}" ]] ||
            die "$name ($MODE): GET /$size answered '$got' (expected: 200 ${EXPECTED_BYTES[$size]})"
    done
    if [[ $MODE == h2 ]]; then
        got=$(curl -sS -o /dev/null -w '%{http_version} %{http_code}' --http2 --max-time 10 "${tls[@]}" "$url/small" 2>&1 || true)
        [[ $got == "2 200" ]] || die "$name (h2): GET /small over ALPN h2 answered '$got' (expected: HTTP/2 200)"
    fi
}

# start_target NAME: starts the proxy (or nothing, for "direct"); sets TARGET_PID and TARGET_PORT.
start_target() {
    # The TLS start (--https) gets its own config and log files, so --keep shows both.
    local name=$1 suffix=''
    [[ $MODE == tls ]] && suffix=-tls
    [[ $MODE == h2 ]] && suffix=-h2
    local logfile=$WORK/$name$suffix.log
    TARGET_PORT=$PROXY_PORT
    case $name in
        direct)
            TARGET_PID=$ORIGIN_PID
            TARGET_PORT=$ORIGIN_PORT
            return 0 ;;
        nginx)
            nginx_dirs "$WORK/nginx"
            render "$CONF_DIR/nginx-proxy.conf" "$WORK/nginx/nginx$suffix.conf"
            check_config nginx "$NGINX" -t -q -p "$WORK/nginx" -e stderr -c "$WORK/nginx/nginx$suffix.conf"
            require_port_free "$PROXY_PORT"
            start_bg nginx "$WORK" "$PROXY_CPU" "$logfile" \
                "$NGINX" -p "$WORK/nginx" -e stderr -c "$WORK/nginx/nginx$suffix.conf"
            TARGET_PID=$STARTED_PID
            wait_port nginx "$TARGET_PID" "$PROXY_PORT" "$START_TIMEOUT" "$logfile" ;;
        haproxy)
            render "$CONF_DIR/haproxy.cfg" "$WORK/haproxy$suffix.cfg"
            check_config haproxy "$HAPROXY" -c -f "$WORK/haproxy$suffix.cfg"
            require_port_free "$PROXY_PORT"
            start_bg haproxy "$WORK" "$PROXY_CPU" "$logfile" "$HAPROXY" -db -f "$WORK/haproxy$suffix.cfg"
            TARGET_PID=$STARTED_PID
            wait_port haproxy "$TARGET_PID" "$PROXY_PORT" "$START_TIMEOUT" "$logfile" ;;
        gatehouse)
            render "$CONF_DIR/gatehouse.yaml" "$WORK/gatehouse$suffix.yaml"
            require_port_free "$PROXY_PORT"
            log "Gatehouse JVM flags: ${GATEHOUSE_JAVA_OPTS:-(GATEHOUSE_JAVA_OPTS unset: launcher defaults)}"
            # Pinned from the start so the JVM sizes its GC, JIT and event-loop threads for one CPU,
            # as nginx and HAProxy are given one worker / one thread.
            start_bg gatehouse "$REPO_DIR" "$PROXY_CPU" "$logfile" \
                ./gatehouse run --config "$WORK/gatehouse$suffix.yaml"
            TARGET_PID=$STARTED_PID
            wait_port gatehouse "$TARGET_PID" "$PROXY_PORT" "$GATEHOUSE_START_TIMEOUT" "$logfile"
            record_java_command "$TARGET_PID" ;;
    esac
    check_responses "$name" "$TARGET_PORT"
}

JAVA_COMMAND=
record_java_command() {
    local pid comm
    while read -r pid comm; do
        if [[ $comm == java ]]; then
            JAVA_COMMAND=$(tr '\0' ' ' <"/proc/$pid/cmdline")
            log "Gatehouse JVM (pid $pid): $JAVA_COMMAND"
            return 0
        fi
    done < <(ps -o pid=,comm= -s "$1")
    log "Gatehouse: no java process found in session $1 (processes: $(session_pids "$1"))"
}

# ---------------------------------------------------------------- measuring

# to_ms VALUE: wrk prints latencies as 512.00us, 1.25ms, 2.00s.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}

WRK_PID=
run_wrk() { # run_wrk DURATION URL OUT [WRK ARGUMENT...]
    local duration=$1 url=$2 out=$3
    shift 3
    # In the background and waited for, so that a TERM or Ctrl-C runs the cleanup at once
    # instead of after the measurement (bash defers traps until a foreground child exits).
    taskset -c "$LOAD_CPU" "$WRK" -t1 -c"$CONNECTIONS" -d"$duration" --latency "$@" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed against $url"; }
    WRK_PID=
}

# measure ORDER NAME ROUND: warm-up then a measured run for each size; one line per size in
# $WORK/results.tsv, keyed by ORDER (the target's place in the table) and the size's place.
measure() {
    local order=$1 name=$2 round=$3 size_index size url out idle
    idle=$(rss_kib "$TARGET_PID" VmRSS)
    for size_index in "${!SIZES[@]}"; do
        size=${SIZES[$size_index]}
        url=http://127.0.0.1:$TARGET_PORT/$size
        out=$WORK/wrk-$name-$size-$round.txt
        log "$name /$size: warm-up $WARMUP"
        run_wrk "$WARMUP" "$url" "$out.warmup"
        log "$name /$size: measuring $DURATION, $CONNECTIONS connections"
        run_wrk "$DURATION" "$url" "$out"
        record "$order" "$size_index" "$name" "$size" "$round" "$idle" "$out"
    done
}

# measure_tls ORDER NAME ROUND: with the proxy terminating TLS, /small over keep-alive HTTPS,
# then with "Connection: close" so that every request is a new TCP connection and a full TLS
# handshake: wrk would resume the session on each reconnect, which the no-resume shim prevents
# (see bench/wrk-no-resume.c and bench/README.md).
measure_tls() {
    local order=$1 name=$2 round=$3 idle index test out
    local url=https://localhost:$TARGET_PORT/small
    idle=$(rss_kib "$TARGET_PID" VmRSS)
    for index in "${!TLS_TESTS[@]}"; do
        test=${TLS_TESTS[$index]}
        out=$WORK/wrk-$name-$test-$round.txt
        log "$name $test: warm-up $WARMUP"
        if [[ $test == tls-handshake ]]; then
            LD_PRELOAD=$NO_RESUME_LIB run_wrk "$WARMUP" "$url" "$out.warmup" -H 'Connection: close'
            log "$name $test: measuring $DURATION, $CONNECTIONS connections"
            LD_PRELOAD=$NO_RESUME_LIB run_wrk "$DURATION" "$url" "$out" -H 'Connection: close'
        else
            run_wrk "$WARMUP" "$url" "$out.warmup"
            log "$name $test: measuring $DURATION, $CONNECTIONS connections"
            run_wrk "$DURATION" "$url" "$out"
        fi
        record "$order" "$((${#SIZES[@]} + index))" "$name" "$test" "$round" "$idle" "$out"
    done
}

# measure_h2 ORDER NAME ROUND: HTTP/2 over TLS with h2load, H2_CONNECTIONS connections with H2_STREAMS
# streams each, /small, for DURATION after WARMUP. h2load prints no percentiles: p50/p99 come from
# its per-request log (duration in microseconds, third column).
measure_h2() {
    local order=$1 name=$2 round=$3 idle out secs warm
    local url=https://localhost:$TARGET_PORT/small
    secs=$(to_seconds "$DURATION") warm=$(to_seconds "$WARMUP")
    idle=$(rss_kib "$TARGET_PID" VmRSS)
    out=$WORK/h2load-$name-$round.txt
    log "$name h2: h2load -c$H2_CONNECTIONS -m$H2_STREAMS, warm-up ${warm}s, measuring ${secs}s"
    taskset -c "$LOAD_CPU" "$H2LOAD" -t1 -c"$H2_CONNECTIONS" -m"$H2_STREAMS" -D "$secs" --warm-up-time="$warm" \
        --log-file="$out.log" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || { cat "$out" >&2; die "h2load failed against $url"; }
    WRK_PID=
    grep -q '^Application protocol: h2$' "$out" || { cat "$out" >&2; die "$name: h2load did not get ALPN h2"; }
    local rps p50 p99 errors after peak
    rps=$(awk '/^finished in/ { gsub(/,/, "", $4); printf "%.0f", $4 }' "$out")
    read -r p50 p99 < <(cut -f3 "$out.log" | sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "0 0"; exit }
        a = int(NR * 0.50); if (a < 1) a = 1
        b = int(NR * 0.99); if (b < 1) b = 1
        printf "%.2f %.2f\n", v[a] / 1000, v[b] / 1000 }')
    errors=$(awk '/^requests:/ { n += $10 + $12 + $14 } /^status codes:/ { n += $7 + $9 } END { print n + 0 }' "$out")
    after=$(rss_kib "$TARGET_PID" VmRSS)
    peak=$(rss_kib "$TARGET_PID" VmHWM)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$order" "$((${#SIZES[@]} + ${#TLS_TESTS[@]}))" \
        "$name" h2 "${rps:-0}" "$p50" "$p99" "$idle" "$after" "$peak" "$errors" >>"$WORK/results.tsv"
    { printf '### %s HTTP/2 /small, round %s\n\n```\n' "$name" "$round"; cat "$out"; printf '```\n\n'; } >>"$WORK/raw.md"
    rm -f "$out.log"
    log "$name h2 round $round: $rps req/s, p50 ${p50}ms, p99 ${p99}ms, errors $errors"
}

# to_seconds DURATION: 10s, 2m or 10 as whole seconds, for h2load.
to_seconds() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /m$/) n *= 60; else if (v ~ /h$/) n *= 3600; print int(n) }'
}

# record ORDER INDEX NAME TEST ROUND IDLE WRK_OUTPUT: one line in $WORK/results.tsv, keyed by
# ORDER (the target's place in the table) and INDEX (the size's or TLS test's place).
record() {
    local order=$1 size_index=$2 name=$3 size=$4 round=$5 idle=$6 out=$7 rps p50 p99 errors after peak
    local label=/$size
    [[ $size == tls-* ]] && label="/small over HTTPS, $size"
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    # Socket errors and non-2xx answers: a fast proxy that fails requests must not look fast.
    errors=$(awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
                  /Non-2xx or 3xx responses:/ { n += $5 } END { print n + 0 }' "$out")
    after=$(rss_kib "$TARGET_PID" VmRSS)
    peak=$(rss_kib "$TARGET_PID" VmHWM)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$order" "$size_index" \
        "$name" "$size" "${rps:-0}" "$p50" "$p99" "$idle" "$after" "$peak" "$errors" >>"$WORK/results.tsv"
    { printf '### %s %s, round %s\n\n```\n' "$name" "$label" "$round"; cat "$out"; printf '```\n\n'; } >>"$WORK/raw.md"
    log "$name $label round $round: $rps req/s, p50 ${p50}ms, p99 ${p99}ms, errors $errors"
}

# ---------------------------------------------------------------- report

# summarize: one line per target and size: the round with the median req/s (its latencies and
# memory), then the errors of all rounds, the req/s spread (half the min-max range, relative to
# the median) and the number of rounds.
summarize() {
    sort -t "$(printf '\t')" -k1,1n -k2,2n -k5,5n "$WORK/results.tsv" | awk -F'\t' -v OFS='\t' '
        function flush(   f, spread) {
            if (!n) return
            split(row[int((n + 1) / 2)], f, "\t")
            spread = (n > 1 && f[5] > 0) ? sprintf("±%.0f%%", (max - min) / 2 / f[5] * 100) : "-"
            print f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], errors, spread, n
        }
        $1 FS $2 != key { flush(); key = $1 FS $2; n = 0; errors = 0; min = $5 }
        { row[++n] = $0; errors += $11; max = $5 }
        END { flush() }'
}

versions() {
    printf -- '- nginx: %s\n' "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
    if [[ -n ${HAPROXY:-} ]]; then
        printf -- '- HAProxy: %s\n' "$("$HAPROXY" -v 2>&1 | head -n 1)"
    fi
    printf -- '- wrk: %s\n' "$("$WRK" -v 2>&1 | head -n 1 | sed 's/ \[.*//')"
    if wants gatehouse; then
        printf -- '- Gatehouse: %s\n' "$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)"
        printf -- '- Gatehouse JVM flags: %s\n' "${GATEHOUSE_JAVA_OPTS:-(unset: launcher defaults)}"
        # shellcheck disable=SC2016 # the backticks are markdown, not a command substitution
        [[ -n $JAVA_COMMAND ]] && printf -- '- Gatehouse JVM command: `%s`\n' "$JAVA_COMMAND"
    fi
    return 0
}

report() {
    local cpu_model
    cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    printf '## Gatehouse bench, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf -- '- machine: %s CPUs (%s), Linux %s\n' "$(nproc)" "${cpu_model:-unknown CPU}" "$(uname -r)"
    printf -- '- placement: proxy on CPU %s; wrk and the nginx origin (1 worker) on CPU %s; all on 127.0.0.1\n' \
        "$PROXY_CPU" "$LOAD_CPU"
    # shellcheck disable=SC2016 # the backticks are markdown, not a command substitution
    printf -- '- load: `wrk -t1 -c%s -d%s --latency`, HTTP/1.1 keep-alive, after a %s warm-up per size; upstream keep-alive everywhere\n' \
        "$CONNECTIONS" "$DURATION" "$WARMUP"
    if ((ROUNDS > 1)); then
        printf -- '- rounds: %s, each proxy restarted every round; a row is the round with the median req/s, spread = half the req/s range over the rounds, errors = all rounds\n' "$ROUNDS"
    fi
    if ((H2)); then
        # shellcheck disable=SC2016 # the backticks are markdown, not a command substitution
        printf -- '- HTTP/2 row (`--h2`): the proxy restarted terminating TLS 1.3 with ALPN h2 (nginx `listen ... ssl http2`, HAProxy `alpn h2,http/1.1`, Gatehouse by default), HTTP/1.1 keep-alive to the same origin; `h2load -t1 -c%s -m%s -D %s` after a %s warm-up, /small (13 B); p50/p99 from h2load'"'"'s per-request log\n' \
            "$H2_CONNECTIONS" "$H2_STREAMS" "$DURATION" "$WARMUP"
    fi
    if ((HTTPS)); then
        # shellcheck disable=SC2016 # the backticks are markdown, not a command substitution
        printf -- '- HTTPS rows (`--https`): the proxy restarted terminating TLS 1.3 (ECDSA P-256 self-signed cert, made for this run), plain HTTP to the same origin; /small (13 B); "keep-alive" = the same wrk load over https, "new conn" = `-H '"'"'Connection: close'"'"'`, a new TCP connection and full handshake per request (wrk would resume TLS sessions; bench/wrk-no-resume.c, preloaded, stops it), so its req/s is handshakes/s\n'
    fi
    printf -- '- RSS: summed over the process tree (nginx: master + worker); idle = before any load, after = right after the run, peak = VmHWM\n'
    versions
    summarize >"$WORK/summary.tsv"
    local header
    header=$'| proxy | size | req/s | spread | p50 ms | p99 ms | RSS idle MiB | RSS after MiB | RSS peak MiB | req/s vs nginx | p99 vs nginx | errors |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
    printf '\n%s\n' "$header"
    table small 16k
    if ((HTTPS)); then
        printf '\nHTTPS: TLS 1.3 at the proxy, plain HTTP to the origin, /small (13 B); "new conn" req/s = full handshakes/s\n\n%s\n' \
            "${header/| size |/| test |}"
        table "${TLS_TESTS[@]}"
    fi
    if ((H2)); then
        printf '\nHTTP/2 over TLS (ALPN h2), %s connections x %s streams, /small (13 B)\n\n%s\n' \
            "$H2_CONNECTIONS" "$H2_STREAMS" "${header/| size |/| test |}"
        table h2
    fi
    if wants direct; then
        printf '\n"direct (no proxy)" is wrk straight to the origin: the most the load side can drive; its RSS is the origin'"'"'s.\n'
    fi
}

# table KEY...: the summary rows for these sizes or TLS tests, in measuring order (proxy, then
# size or test), with ratios to nginx's row of the same size or test.
table() {
    awk -F'\t' -v keys="$*" '
        BEGIN {
            n = split(keys, k, " "); for (i = 1; i <= n; i++) wanted[k[i]] = 1
            label["small"] = "13 B"; label["16k"] = "16 KiB"
            label["tls-keepalive"] = "HTTPS keep-alive"; label["tls-handshake"] = "HTTPS new conn (handshake)"
            label["h2"] = "HTTP/2 over TLS"
        }
        !($2 in wanted) { next }
        NR == FNR { if ($1 == "nginx") { rps[$2] = $3; p99[$2] = $5 } next }
        {
            r = ($2 in rps && rps[$2] > 0) ? sprintf("%.2f", $3 / rps[$2]) : "n/a"
            l = ($2 in p99 && p99[$2] > 0) ? sprintf("%.2f", $5 / p99[$2]) : "n/a"
            printf "| %s | %s | %d | %s | %.2f | %.2f | %.1f | %.1f | %.1f | %s | %s | %d |\n",
                ($1 == "direct" ? "direct (no proxy)" : $1), label[$2],
                $3, $10, $4, $5, $6 / 1024, $7 / 1024, $8 / 1024, r, l, $9
        }' "$WORK/summary.tsv" "$WORK/summary.tsv"
}

# ---------------------------------------------------------------- main

main() {
    parse_args "$@"
    if wants gatehouse && [[ ! -x $REPO_DIR/gatehouse ]]; then
        die "no launcher at $REPO_DIR/gatehouse; build Gatehouse first, or run: bench/run.sh --only nginx --only haproxy"
    fi
    install_missing
    NGINX=$(find_bin nginx) || die "nginx not found after install"
    WRK=$(find_bin wrk) || die "wrk not found after install"
    H2LOAD=
    if ((H2)); then H2LOAD=$(find_bin h2load) || die "h2load not found after install (apt-get install nghttp2-client)"; fi
    HAPROXY=
    if wants haproxy; then HAPROXY=$(find_bin haproxy) || die "haproxy not found after install"; fi
    if (($(nproc) < 2)); then
        log "warning: $(nproc) CPU: proxy and load generator share it; numbers are not comparable with 2-CPU runs"
        PROXY_CPU=0 LOAD_CPU=0
    fi

    WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
    # nginx workers drop to user nobody when started as root; they must read the origin's file.
    chmod 755 "$WORK"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    : >"$WORK/results.tsv"
    : >"$WORK/raw.md"

    log "placement: proxy on CPU $PROXY_CPU; wrk and origin on CPU $LOAD_CPU"
    ((HTTPS || H2)) && setup_tls
    start_origin
    # Rounds interleave the proxies, so a slow minute on a shared host hits all of them alike.
    local round index target
    for ((round = 1; round <= ROUNDS; round++)); do
        ((ROUNDS == 1)) || log "round $round of $ROUNDS"
        for index in "${!TARGETS[@]}"; do
            target=${TARGETS[$index]}
            MODE=plain
            start_target "$target"
            measure "$((index + 1))" "$target" "$round"
            [[ $target == direct ]] || stop_session "$TARGET_PID"
            # The origin speaks plain HTTP only, so "direct" has no TLS rows.
            if ((HTTPS)) && [[ $target != direct ]]; then
                MODE=tls
                start_target "$target"
                measure_tls "$((index + 1))" "$target" "$round"
                stop_session "$TARGET_PID"
            fi
            if ((H2)) && [[ $target != direct ]]; then
                MODE=h2
                start_target "$target"
                measure_h2 "$((index + 1))" "$target" "$round"
                stop_session "$TARGET_PID"
            fi
        done
    done

    mkdir -p "$RESULTS_DIR"
    report >"$WORK/report.md"
    cp "$WORK/report.md" "$RESULTS_DIR/latest.md"
    cp "$WORK/raw.md" "$RESULTS_DIR/latest-raw.md"
    printf '\n'
    cat "$WORK/report.md"
    printf '\n(written to %s; wrk output in %s)\n' "$RESULTS_DIR/latest.md" "$RESULTS_DIR/latest-raw.md"
}

main "$@"
