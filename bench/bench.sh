#!/usr/bin/env bash
# Load test of a DNS server binary with dnsperf, on loopback only.
#
# Usage: bench/bench.sh [-b BINARY]... [-p knot|nsd|unbound]... [-r ROUNDS]
#                       [-l SECONDS] [-c CLIENTS] [-q OUTSTANDING]
#                       [-w WARMUP_SECONDS] SCENARIO...
#
# For each scenario (bench/corefiles/SCENARIO.Corefile) every binary, and
# every peer server named with -p, is started once, pinned to CPU 0, on a
# free port of 127.0.0.1. Then ROUNDS rounds of dnsperf (pinned to CPU 1) run
# against each server in turn, and the script prints per-round figures and
# their medians: queries per second, average latency, server CPU seconds
# (utime+stime of the server's process tree) and queries answered per server
# CPU-second. With two binaries it prints the median of the per-round ratios
# second / first; for each peer, ours ([0]) / peer.
#
# The default binary is ./coredns at the top of the tree, built when missing
# or older than any Go source. See bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"

binaries=()
peers=()
rounds=15
seconds=1
clients=20
outstanding=100
warmup=1

usage() {
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while getopts "b:p:r:l:c:q:w:h" opt; do
    case "$opt" in
        b) binaries+=("$OPTARG") ;;
        p) peers+=("$OPTARG") ;;
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

for p in "${peers[@]}"; do
    case "$p" in
        knot) command -v knotd >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" ;;
        nsd | unbound) command -v "$p" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" ;;
        *) die "unknown peer $p (want knot, nsd or unbound)" ;;
    esac
done

# shellcheck source=peers.sh
. "$here/peers.sh"

# --- helpers ---------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
BENCH_PIDS=()

# descendants prints PID and the PIDs of all its descendants.
descendants() {
    awk -v root="$1" '
        FNR == 1 {
            # The command name may hold spaces and parentheses: cut after
            # the last ")".
            if (match($0, /.*\) /)) {
                n = split(substr($0, RLENGTH + 1), f, " ")
                parent[$1] = f[2]
            }
        }
        END {
            keep[root] = 1
            do {
                more = 0
                for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; more = 1 }
            } while (more)
            for (p in keep) print p
        }' /proc/[0-9]*/stat 2>/dev/null
}

# stop_tree kills PID and its descendants (nsd forks its workers).
stop_tree() {
    local pid kids
    kids="$(descendants "$1")"
    for pid in $kids; do kill "$pid" 2>/dev/null || true; done
    wait "$1" 2>/dev/null || true
    for pid in $kids; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
}

cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        stop_tree "$pid"
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a port free for both UDP and TCP on 127.0.0.1.
free_port() {
    python3 - <<'PY'
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
PY
}

# cpu_ticks prints utime+stime, in clock ticks, of PID and its descendants
# (all threads included).
cpu_ticks() {
    local pid sum=0 stat
    for pid in $(descendants "$1"); do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        # The command name (field 2) may hold spaces: cut after its ')'.
        stat="${stat##*) }"
        # Now field 1 is the state; utime and stime are fields 12 and 13.
        sum=$((sum + $(awk '{ print $12 + $13 }' <<<"$stat")))
    done
    echo "$sum"
}

# wait_listening waits until something accepts TCP on 127.0.0.1:PORT.
wait_listening() {
    local port="$1" pid="$2" i
    for i in $(seq 1 200); do
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

# run_round SERVER_INDEX SECONDS [no]: one dnsperf run; appends a result line
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
    echo "$out" >"$work/dnsperf.$idx"
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

# start_ours INDEX: starts binary INDEX on ports[INDEX] and ports2[INDEX].
start_ours() {
    local i="$1"
    (
        cd "$here/corefiles"
        BENCH_PORT="${ports[$i]}" BENCH_PORT2="${ports2[$i]}" \
            exec "${server_pin[@]}" "${names[$i]}" -conf "$corefile" -quiet \
            >"$work/server.$i.log" 2>&1
    ) &
    # The subshell exec'd the server, so the PID is the server's.
    pids[$i]=$!
}

# Everything printed from here on is also kept in bench/out/.
mkdir -p "$here/out"
outfile="$here/out/$(date +%Y%m%d-%H%M%S)-$(IFS=+; echo "$*")$([ ${#peers[@]} -eq 0 ] || printf -- '-vs-%s' "${peers[@]}").txt"
exec > >(tee "$outfile")
log "results also go to $outfile"

# --- scenarios -------------------------------------------------------------

for scenario in "$@"; do
    corefile="$here/corefiles/$scenario.Corefile"
    [ -f "$corefile" ] || die "no scenario $scenario: $corefile is missing"
    rm -f "$work"/res.*

    # Optional hook: sourced before the servers start. It may start helper
    # processes (append their PIDs to BENCH_PIDS), export variables the
    # Corefile uses as {$NAME}, set BENCH_QUERIES to a query file it wrote,
    # and set BENCH_ZONE / BENCH_ZONE_ORIGIN to the zone a peer should serve.
    export BENCH_TMP="$work" BENCH_SCENARIO="$scenario"
    BENCH_QUERIES="" BENCH_ZONE="" BENCH_ZONE_ORIGIN=""
    if [ -f "$here/corefiles/$scenario.setup" ]; then
        # shellcheck source=/dev/null
        . "$here/corefiles/$scenario.setup"
    fi
    export BENCH_ZONE BENCH_ZONE_ORIGIN

    # Queries: from the setup hook, the scenario's own file, or names under
    # bench.test.
    queries="$BENCH_QUERIES"
    [ -n "$queries" ] || queries="$here/corefiles/$scenario.queries"
    if [ ! -f "$queries" ]; then
        queries="$work/$scenario.queries"
        awk 'BEGIN { for (i = 0; i < 10000; i++) printf "q%d.bench.test A\n", i }' >"$queries"
    fi

    # Servers: our binaries first, then the peers that fit the scenario.
    names=("${binaries[@]}")
    for p in "${peers[@]}"; do
        if peer_supported "$p"; then names+=("$p"); fi
    done
    kinds=()
    ports=()
    ports2=()
    pids=()
    for i in "${!names[@]}"; do
        if [ "$i" -lt ${#binaries[@]} ]; then kinds[$i]=ours; else kinds[$i]="${names[$i]}"; fi
        ports[$i]="$(free_port)"
        ports2[$i]="$(free_port)"
        [ -n "${ports[$i]}" ] && [ -n "${ports2[$i]}" ] || die "no free port"
        if [ "${kinds[$i]}" = ours ]; then
            start_ours "$i"
        else
            start_peer "$i" || die "cannot start peer ${names[$i]} for scenario $scenario"
        fi
        BENCH_PIDS+=("${pids[$i]}")
        if ! wait_listening "${ports[$i]}" "${pids[$i]}"; then
            cat "$work/server.$i.log" >&2
            die "${names[$i]} did not start on port ${ports[$i]}"
        fi
        [ "${kinds[$i]}" = ours ] || after_start_peer "$i"
    done

    echo "scenario $scenario: ${#names[@]} server$([ ${#names[@]} -eq 1 ] || echo s)," \
        "$rounds x ${seconds}s rounds, dnsperf -c $clients -q $outstanding, $(wc -l <"$queries") query lines"
    for i in "${!names[@]}"; do
        echo "  [$i] ${names[$i]} on 127.0.0.1:${ports[$i]} (pid ${pids[$i]})"
    done

    if [ "$warmup" != 0 ]; then
        for i in "${!names[@]}"; do run_round "$i" "$warmup" no; done
    fi
    printf "  %-5s %-3s %10s %12s %8s %12s %8s\n" round srv "q/s" "latency_ms" "cpu_s" "q/cpu_s" lost
    for r in $(seq 1 "$rounds"); do
        for i in "${!names[@]}"; do
            run_round "$i" "$seconds"
            tail -n 1 "$work/res.$i" | awk -v r="$r" -v i="$i" '{
                qpc = ($3 > 0) ? $4 / $3 : 0
                printf "  %-5s %-3s %10.0f %12.3f %8.2f %12.0f %8s\n", r, i, $1, $2 * 1000, $3, qpc, $5 }'
        done
    done

    echo "  medians:"
    for i in "${!names[@]}"; do
        f="$work/res.$i"
        qps="$(awk '{ print $1 }' "$f" | median)"
        lat="$(awk '{ print $2 * 1000 }' "$f" | median)"
        cpu="$(awk '{ print $3 }' "$f" | median)"
        qpc="$(awk '$3 > 0 { print $4 / $3 }' "$f" | median)"
        lost="$(awk '{ s += $5 } END { print s + 0 }' "$f")"
        printf "  [%s] q/s %.0f  latency %.3f ms  server cpu %.2f s/round  q/cpu-s %.0f  lost %s  (%s)\n" \
            "$i" "$qps" "$lat" "$cpu" "$qpc" "$lost" "$(basename "${names[$i]}")"
        # The rcodes of the last round, to see that every server answered alike.
        sed -n 's/^ *Response codes: *//p' "$work/dnsperf.$i" | sed 's/^/      last round: /'
    done
    # ratio A B: median over rounds of (A's figure / B's figure).
    ratio() {
        local a="$work/res.$1" b="$work/res.$2" rq rc
        rq="$(paste "$a" "$b" | awk '$6 > 0 { print $1 / $6 }' | median)"
        rc="$(paste "$a" "$b" | awk '$3 > 0 && $8 > 0 { print ($4 / $3) / ($9 / $8) }' | median)"
        printf "q/s %.3f  q/cpu-s %.3f" "$rq" "$rc"
    }
    for i in "${!names[@]}"; do
        [ "$i" -gt 0 ] || continue
        if [ "${kinds[$i]}" = ours ]; then
            echo "  median per-round ratio [$i]/[0]: $(ratio "$i" 0)"
            continue
        fi
        for j in "${!binaries[@]}"; do
            echo "  median per-round ratio ours/${names[$i]} [$j]/[$i]: $(ratio "$j" "$i")"
        done
    done

    for i in "${!pids[@]}"; do
        stop_tree "${pids[$i]}"
    done
    # Forget the stopped PIDs so that cleanup never signals a reused one.
    left=()
    for pid in "${BENCH_PIDS[@]}"; do
        case " ${pids[*]} " in *" $pid "*) ;; *) left+=("$pid") ;; esac
    done
    BENCH_PIDS=("${left[@]}")
done
