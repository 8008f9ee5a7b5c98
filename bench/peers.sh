# Peer servers for bench.sh: configuration and start-up of Knot DNS, NSD and
# Unbound, each with one worker, pinned to CPU 0 like our binary. Sourced by
# bench.sh; uses its variables (names, ports, pids, work, corefile, ...).
#
# knot and nsd serve the scenario's zone: the setup hook must set BENCH_ZONE
# (the zone file) and BENCH_ZONE_ORIGIN. unbound forwards everything to the
# second server block ({$BENCH_PORT2}) of a helper instance of our first
# binary, started from the same Corefile (not measured), and keeps answers
# for at least an hour, so that after the warm-up nearly every query is a
# cache hit. It is no peer for forward: it cannot forward without caching.

# peer_supported NAME: whether peer NAME can take part in the scenario;
# if not, says why.
peer_supported() {
    case "$1" in
        knot | nsd)
            if [ -z "$BENCH_ZONE" ] || [ -z "$BENCH_ZONE_ORIGIN" ]; then
                log "skipping peer $1: it needs a zone, and scenario $scenario sets no BENCH_ZONE/BENCH_ZONE_ORIGIN"
                return 1
            fi
            ;;
        unbound)
            if [ "$scenario" = forward ]; then
                log "skipping peer unbound: it caches what it forwards, so it is no forward-only peer"
                return 1
            fi
            if ! grep -q 'BENCH_PORT2' "$corefile"; then
                log "skipping peer unbound: it needs an upstream, and $corefile has no {\$BENCH_PORT2} server block"
                return 1
            fi
            ;;
    esac
}

# start_peer INDEX: writes the peer's configuration and starts it on
# ports[INDEX], setting pids[INDEX].
start_peer() {
    local i="$1" dir="$work/peer.$1"
    mkdir -p "$dir"
    case "${names[$i]}" in
        knot)
            cat >"$dir/knot.conf" <<CONF
server:
    listen: 127.0.0.1@${ports[$i]}
    rundir: "$dir"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$dir/knot.sock"
database:
    storage: "$dir/db"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: ${BENCH_ZONE_ORIGIN}
    file: "$BENCH_ZONE"
CONF
            "${server_pin[@]}" knotd -c "$dir/knot.conf" >"$work/server.$i.log" 2>&1 &
            ;;
        nsd)
            cat >"$dir/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@${ports[$i]}
    port: ${ports[$i]}
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 0
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: ${BENCH_ZONE_ORIGIN}
    zonefile: "$BENCH_ZONE"
CONF
            "${server_pin[@]}" nsd -d -c "$dir/nsd.conf" >"$work/server.$i.log" 2>&1 &
            ;;
        unbound)
            # The upstream: our first binary on its own ports, not measured.
            local up up2 minttl=3600 maxttl=86400
            up="$(free_port)"
            up2="$(free_port)"
            (
                cd "$here/corefiles"
                BENCH_PORT="$up" BENCH_PORT2="$up2" exec "${binaries[0]}" -conf "$corefile" -quiet \
                    >"$work/upstream.$i.log" 2>&1
            ) &
            BENCH_PIDS+=("$!")
            wait_listening "$up2" "$!" || { cat "$work/upstream.$i.log" >&2; return 1; }
            cat >"$dir/unbound.conf" <<CONF
server:
    interface: 127.0.0.1@${ports[$i]}
    port: ${ports[$i]}
    do-ip6: no
    num-threads: 1
    so-reuseport: no
    username: ""
    chroot: ""
    directory: "$dir"
    pidfile: "$dir/unbound.pid"
    use-syslog: no
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "iterator"
    qname-minimisation: no
    prefetch: no
    minimal-responses: yes
    # The bench names live under test., which Unbound answers NXDOMAIN for
    # by default (RFC 6761): let them through.
    local-zone: "test." nodefault
    cache-min-ttl: $minttl
    cache-max-ttl: $maxttl
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@$up2
CONF
            "${server_pin[@]}" unbound -d -c "$dir/unbound.conf" >"$work/server.$i.log" 2>&1 &
            ;;
        *)
            return 1
            ;;
    esac
    pids[$i]=$!
}

# after_start_peer INDEX: knotd pins its workers to CPUs by itself; put
# every thread back on the server CPU.
after_start_peer() {
    local i="$1"
    if [ "${names[$i]}" = knot ] && [ ${#server_pin[@]} -gt 0 ]; then
        taskset -a -p -c 0 "${pids[$i]}" >/dev/null
    fi
}
