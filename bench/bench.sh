#!/usr/bin/env bash
# Load test of a DNS server binary with dnsperf, on loopback only.
#
# Usage: bench/bench.sh [-b BINARY]... [-r ROUNDS] [-l SECONDS] [-c CLIENTS]
#                       [-q OUTSTANDING] [-w WARMUP_SECONDS] SCENARIO...
#
# For each scenario (bench/corefiles/SCENARIO.Corefile) every binary is
# started once, pinned to CPU 0, on a free port of 127.0.0.1. Then ROUNDS
# rounds of dnsperf (pinned to CPU 1) run against each binary in turn, and
# the script prints per-round figures and their medians: queries per second,
# average latency, server CPU seconds (utime+stime from /proc/PID/stat) and
# queries answered per server CPU-second. With two binaries it also prints
# the median of the per-round ratios (second / first).
#
# The default binary is ./coredns at the top of the tree, built when missing
# or older than any Go source. See bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"

binaries=()
rounds=15
seconds=1
clients=20
outstanding=100
warmup=1

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while getopts "b:r:l:c:q:w:h" opt; do
    case "$opt" in
        b) binaries+=("$OPTARG") ;;
        r) rounds="$OPTARG" ;;
        l) seconds="$OPTARG" ;;
        c) clients="$OPTARG" ;;
        q) outstanding="$OPTARG" ;;
        w) warmup="$OPTARG" ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# --- tools -----------------------------------------------------------------

if ! command -v dnsperf >/dev/null 2>&1; then
    log "installing dnsperf"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null
fi
command -v taskset >/dev/null 2>&1 || die "taskset (util-linux) is needed"

ncpu="$(nproc)"
if [ "$ncpu" -ge 2 ]; then
    server_pin=(taskset -c 0)
    client_pin=(taskset -c 1)
else
    log "only $ncpu CPU: server and dnsperf share it, figures are rough"
    server_pin=()
    client_pin=()
fi
hz="$(getconf CLK_TCK)"

if [ ${#binaries[@]} -eq 0 ]; then
    bin="$top/coredns"
    if [ ! -x "$bin" ] || [ -n "$(find "$top" -name '*.go' -newer "$bin" -print -quit)" ] \
        || [ "$top/plugin.cfg" -nt "$bin" ] || [ "$top/go.mod" -nt "$bin" ]; then
        log "building $bin"
        (cd "$top" && go build -o "$bin" .) || die "build failed"
    fi
    binaries=("$bin")
fi
for i in "${!binaries[@]}"; do
    b="${binaries[$i]}"
    case "$b" in /*) ;; *) b="$PWD/$b" ;; esac
    [ -x "$b" ] || die "$b is not an executable"
    binaries[$i]="$b"
done

# --- helpers ---------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
BENCH_PIDS=()
cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a port free for both UDP and TCP on 127.0.0.1.
free_port() {
    python3 - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    t.close(); u.close()
    print(port)
    break
EOF
}

# cpu_ticks prints utime+stime of PID in clock ticks.
cpu_ticks() {
    # The command name (field 2) may hold spaces: cut after its ')'.
    local stat
    stat="$(cat "/proc/$1/stat")"
    stat="${stat##*) }"
    # Now field 1 is the state; utime and stime are fields 12 and 13.
    awk '{ print $12 + $13 }' <<<"$stat"
}

# wait_listening waits until something accepts TCP on 127.0.0.1:PORT.
wait_listening() {
    local port="$1" pid="$2" i
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# median of the numbers on stdin.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_round BINARY_INDEX SECONDS: one dnsperf run; appends a result line
# "qps avg_latency_s cpu_s completed lost" to $work/res.INDEX unless told not to.
run_round() {
    local idx="$1" secs="$2" record="${3:-yes}"
    local port="${ports[$idx]}" pid="${pids[$idx]}"
    local before after out
    before="$(cpu_ticks "$pid")"
    out="$("${client_pin[@]}" dnsperf -s 127.0.0.1 -p "$port" -d "$queries" \
        -l "$secs" -c "$clients" -q "$outstanding" 2>&1)" || {
        echo "$out" >&2
        die "dnsperf failed"
    }
    after="$(cpu_ticks "$pid")"
    [ "$record" = yes ] || return 0
    awk -v before="$before" -v after="$after" -v hz="$hz" '
        /Queries completed:/ { done = $3 }
        /Queries lost:/      { lost = $3 }
        /Queries per second:/ { qps = $4 }
        /Average Latency/    { lat = $4 }
        END {
            cpu = (after - before) / hz
            printf "%s %s %.2f %s %s\n", qps, lat, cpu, done, lost
        }' <<<"$out" >>"$work/res.$idx"
}

# Everything printed from here on is also kept in bench/out/.
mkdir -p "$here/out"
outfile="$here/out/$(date +%Y%m%d-%H%M%S)-$(IFS=+; echo "$*").txt"
exec > >(tee "$outfile")
log "results also go to $outfile"

# --- scenarios -------------------------------------------------------------

for scenario in "$@"; do
    corefile="$here/corefiles/$scenario.Corefile"
    [ -f "$corefile" ] || die "no scenario $scenario: $corefile is missing"
    rm -f "$work"/res.*

    # Queries: the scenario's own file, or names under bench.test.
    queries="$here/corefiles/$scenario.queries"
    if [ ! -f "$queries" ]; then
        queries="$work/$scenario.queries"
        awk 'BEGIN { for (i = 0; i < 10000; i++) printf "q%d.bench.test A\n", i }' >"$queries"
    fi

    # Optional hook: sourced before the servers start. It may start helper
    # processes (append their PIDs to BENCH_PIDS) and export variables the
    # Corefile uses as {$NAME}.
    export BENCH_TMP="$work" BENCH_SCENARIO="$scenario"
    if [ -f "$here/corefiles/$scenario.setup" ]; then
        # shellcheck source=/dev/null
        . "$here/corefiles/$scenario.setup"
    fi

    ports=()
    pids=()
    for i in "${!binaries[@]}"; do
        port="$(free_port)"
        [ -n "$port" ] || die "no free port"
        ports[$i]="$port"
        (
            cd "$here/corefiles"
            BENCH_PORT="$port" exec "${server_pin[@]}" "${binaries[$i]}" -conf "$corefile" -quiet \
                >"$work/server.$i.log" 2>&1
        ) &
        pids[$i]=$!
        BENCH_PIDS+=("${pids[$i]}")
        if ! wait_listening "$port" "${pids[$i]}"; then
            cat "$work/server.$i.log" >&2
            die "${binaries[$i]} did not start on port $port"
        fi
        # The subshell exec'd the server, so the PID is the server's.
    done

    echo "scenario $scenario: ${#binaries[@]} binar$([ ${#binaries[@]} -eq 1 ] && echo y || echo ies)," \
        "$rounds x ${seconds}s rounds, dnsperf -c $clients -q $outstanding, $(wc -l <"$queries") query lines"
    for i in "${!binaries[@]}"; do
        echo "  [$i] ${binaries[$i]} on 127.0.0.1:${ports[$i]} (pid ${pids[$i]})"
    done

    if [ "$warmup" != 0 ]; then
        for i in "${!binaries[@]}"; do run_round "$i" "$warmup" no; done
    fi
    printf "  %-5s %-3s %10s %12s %8s %12s %8s\n" round bin "q/s" "latency_ms" "cpu_s" "q/cpu_s" lost
    for r in $(seq 1 "$rounds"); do
        for i in "${!binaries[@]}"; do
            run_round "$i" "$seconds"
            tail -n 1 "$work/res.$i" | awk -v r="$r" -v i="$i" '{
                qpc = ($3 > 0) ? $4 / $3 : 0
                printf "  %-5s %-3s %10.0f %12.3f %8.2f %12.0f %8s\n", r, i, $1, $2 * 1000, $3, qpc, $5 }'
        done
    done

    echo "  medians:"
    for i in "${!binaries[@]}"; do
        f="$work/res.$i"
        qps="$(awk '{ print $1 }' "$f" | median)"
        lat="$(awk '{ print $2 * 1000 }' "$f" | median)"
        cpu="$(awk '{ print $3 }' "$f" | median)"
        qpc="$(awk '$3 > 0 { print $4 / $3 }' "$f" | median)"
        lost="$(awk '{ s += $5 } END { print s + 0 }' "$f")"
        printf "  [%s] q/s %.0f  latency %.3f ms  server cpu %.2f s/round  q/cpu-s %.0f  lost %s\n" \
            "$i" "$qps" "$lat" "$cpu" "$qpc" "$lost"
    done
    if [ ${#binaries[@]} -eq 2 ]; then
        ratio_qps="$(paste "$work/res.0" "$work/res.1" | awk '$1 > 0 { print $6 / $1 }' | median)"
        ratio_qpc="$(paste "$work/res.0" "$work/res.1" | awk '$3 > 0 && $8 > 0 { print ($9 / $8) / ($4 / $3) }' | median)"
        printf "  median per-round ratio [1]/[0]: q/s %.3f  q/cpu-s %.3f\n" "$ratio_qps" "$ratio_qpc"
    fi

    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
done
