#!/usr/bin/env bash
# Local versus global quorums across two zones: four node JVMs, n1 and n2 in network namespace
# dz1 (zone dc1), n3 and n4 in dz2 (zone dc2). Every connection between the zones goes
# through bench/delay-proxy.py in the root namespace, which delays each chunk by --delay in
# each direction (so 2 x delay per round trip between the zones, none inside a zone; the
# kernel here has no tc netem). Each namespace resolves the other zone's host name to the
# proxy (/etc/netns/<ns>/hosts), its own to its nodes. A 'bin/dynamo bench' client in dz1,
# told its zone (--zone dc1), runs against
#   local:  n=4 r=2 w=2 quorum=local  (the two replicas in the client's zone answer)
#   global: n=4 r=3 w=3 quorum=all    (a majority of four: one answer from the other zone)
# after an unmeasured warm-up of the nodes, first with no delay, then with the delay, then
# with the proxy stopped (dc2 cut off):
# local-quorum operations in dc1 should all succeed, global ones fail.
#
#   sudo bench/zones-latency.sh [--delay-ms 20] [--duration 20s] [--warmup 10s] [--threads 4]
#                               [--keys 10000]
#
# Needs root (ip netns), python3, curl, and the build in dynamo-server/target
# (mvn -B -q -DskipTests package). Prints the bench reports; the numbers are in docs/zones.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
delay=20 duration=20s warmup=10s threads=4 keys=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --delay-ms) delay=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root: network namespaces" >&2; exit 2; }
[ -d "$here/dynamo-server/target/lib" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
work="$(mktemp -d -t dynamo-zones-XXXXXX)"
pids=()
proxy=""
z1=10.77.1.1 r1=10.77.1.254 z2=10.77.2.1 r2=10.77.2.254
cleanup() {
  [ -n "$proxy" ] && kill "$proxy" 2>/dev/null || true
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  ip netns del dz1 2>/dev/null || true
  ip netns del dz2 2>/dev/null || true
  rm -rf /etc/netns/dz1 /etc/netns/dz2
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

# two namespaces, each linked to the root namespace (where the proxy runs); no forwarding
for i in 1 2; do
  ip netns add "dz$i"
  ip link add "dzr$i" type veth peer name "dzn$i"
  ip link set "dzn$i" netns "dz$i"
  ip -n "dz$i" link set lo up
done
ip addr add "$r1/24" dev dzr1 && ip link set dzr1 up
ip addr add "$r2/24" dev dzr2 && ip link set dzr2 up
ip -n dz1 addr add "$z1/24" dev dzn1 && ip -n dz1 link set dzn1 up
ip -n dz2 addr add "$z2/24" dev dzn2 && ip -n dz2 link set dzn2 up
mkdir -p /etc/netns/dz1 /etc/netns/dz2
printf '127.0.0.1 localhost\n%s zone1-host\n%s zone2-host\n' "$z1" "$r1" > /etc/netns/dz1/hosts
printf '127.0.0.1 localhost\n%s zone1-host\n%s zone2-host\n' "$r2" "$z2" > /etc/netns/dz2/hosts

start_proxy() { # $1 = delay in ms each way
  local routes=() i
  for i in 3 4; do routes+=("$r1:$((7200 + i))=$z2:$((7200 + i))" "$r1:$((8200 + i))=$z2:$((8200 + i))"); done
  for i in 1 2; do routes+=("$r2:$((7200 + i))=$z1:$((7200 + i))" "$r2:$((8200 + i))=$z1:$((8200 + i))"); done
  python3 "$here/bench/delay-proxy.py" "$1" "${routes[@]}" > "$work/proxy.log" 2>&1 &
  proxy=$!
  sleep 1
}
stop_proxy() { kill "$proxy" 2>/dev/null || true; wait "$proxy" 2>/dev/null || true; proxy=""; }

ns_of() { if [ "$1" -le 2 ]; then echo dz1; else echo dz2; fi; }
host_of() { if [ "$1" -le 2 ]; then echo zone1-host; else echo zone2-host; fi; }
zone_of() { if [ "$1" -le 2 ]; then echo dc1; else echo dc2; fi; }
members=""
for i in 1 2 3 4; do
  members="$members${members:+, }n$i@$(host_of "$i"):$((7200 + i)):$((8200 + i));zone=$(zone_of "$i")"
done

start_proxy 0
for i in 1 2 3 4; do
  conf="$work/n$i/conf"
  mkdir -p "$conf/tables"
  printf 'node.id = n%s\ncluster.nodes = %s\ndata.dir = data\nq = 64\n' "$i" "$members" > "$conf/node.properties"
  printf 'n = 4\nr = 2\nw = 2\nquorum = local\nengine = memory\n' > "$conf/tables/local.properties"
  printf 'n = 4\nr = 3\nw = 3\nquorum = all\nengine = memory\n' > "$conf/tables/global.properties"
  DYNAMO_JAVA_OPTS="-Xmx256m" ip netns exec "$(ns_of "$i")" "$here/bin/dynamo" server --conf "$conf" \
      > "$work/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3 4; do
  url="http://$(host_of "$i"):$((8200 + i))/health"
  for _ in $(seq 1 90); do
    ip netns exec "$(ns_of "$i")" curl -sf "$url" >/dev/null 2>&1 && break
    sleep 1
  done
  ip netns exec "$(ns_of "$i")" curl -sf "$url" >/dev/null 2>&1 || {
    echo "node n$i did not come up:" >&2; tail -5 "$work/n$i.log" >&2; exit 1; }
done

bench() { # $1 = table, $2 = label
  echo "=== $2: table $1 ($(tr '\n' ' ' < "$work/n1/conf/tables/$1.properties"))"
  DYNAMO_JAVA_OPTS="-Xmx256m" ip netns exec dz1 "$here/bin/dynamo" bench --seed "zone1-host:7201" --zone dc1 \
      --table "$1" --threads "$threads" --keys "$keys" --read 0.5 --duration "$duration" --warmup "$warmup" \
      --value-size 256 || true
}

# the nodes' JIT first: cold JVMs would make whichever run comes first look slow
echo "=== warming the nodes up (not measured)"
bench local "warm-up" > /dev/null
bench global "warm-up" > /dev/null
bench local "no delay between the zones"
bench global "no delay between the zones"
stop_proxy
start_proxy "$delay"
bench local "zones ${delay} ms apart each way"
bench global "zones ${delay} ms apart each way"
stop_proxy
sleep 3
bench local "dc2 cut off (no proxy), client and coordinators in dc1"
bench global "dc2 cut off (no proxy), client and coordinators in dc1"
