#!/usr/bin/env bash
# Throughput of 'bin/dynamo bench' (binary protocol, partition-aware client) against a 3-node
# cluster with plaintext versus mutual TLS on the binary port, node to node and client to node,
# alternating runs to spread noise. Same node.properties in both modes but for the tls.* keys;
# the certificates come from ClusterCredentials (docs/security.md), issued once per run. Each
# cluster first serves an unmeasured bench of --warmup (the nodes' JIT compiles the TLS path,
# which cold runs mostly measure: on 2 busy cores that takes about a minute), then the measured
# bench, whose client warms up for --client-warmup on its own connections first. The nodes'
# CPU time (user + system, from /proc) over the measured part is divided by its operations: a
# cost that other load on the machine distorts less than throughput.
#
#   bench/tls-overhead.sh [--rounds 2] [--warmup 60s] [--client-warmup 20s] [--duration 30s]
#                         [--threads 8] [--keys 20000] [--value-size 1024]
#
# Needs the build in dynamo-server/target (mvn -B -q -DskipTests package) and jshell (JDK).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=2 warmup=60s client_warmup=20s duration=30s threads=8 keys=20000 value=1024 base=19080
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --client-warmup) client_warmup=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --value-size) value=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
lib="$here/dynamo-server/target/lib"
[ -d "$lib" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
work="$(mktemp -d -t dynamo-tls-XXXXXX)"
pids=()
measured=""
stop_nodes() {
  [ -n "$measured" ] && kill -TERM "$measured" 2>/dev/null || true
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_nodes; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT INT TERM

# certificates: n1..n3 for 127.0.0.1, and the client 'bench'
printf '%s\n' \
  'dev.dynamo.security.ClusterCredentials.create(java.nio.file.Path.of("'"$work"'/certs"), java.util.List.of(new dev.dynamo.security.NodeSpec("n1", java.util.List.of("127.0.0.1")), new dev.dynamo.security.NodeSpec("n2", java.util.List.of("127.0.0.1")), new dev.dynamo.security.NodeSpec("n3", java.util.List.of("127.0.0.1"))), java.util.List.of("bench"), java.time.Duration.ofDays(1));' \
  '/exit' | jshell -q --class-path "$(ls "$lib"/*.jar | tr '\n' ':')" >/dev/null
[ -f "$work/certs/bench-key.pem" ] || { echo "issuing certificates failed" >&2; exit 1; }

members="n1@127.0.0.1:$((base + 1)):$((base + 101)), n2@127.0.0.1:$((base + 2)):$((base + 102)), n3@127.0.0.1:$((base + 3)):$((base + 103))"

start_nodes() { # $1 = mode (plain|tls), $2 = round
  for i in 1 2 3; do
    local conf="$work/$1-$2/n$i/conf"
    mkdir -p "$conf/tables"
    printf 'node.id = n%s\ncluster.nodes = %s\ndata.dir = data\n' "$i" "$members" > "$conf/node.properties"
    if [ "$1" = tls ]; then
      printf 'tls.cert = %s\ntls.key = %s\ntls.ca = %s\n' "$work/certs/n$i.pem" "$work/certs/n$i-key.pem" \
          "$work/certs/ca.pem" >> "$conf/node.properties"
    fi
    printf 'n = 3\nr = 2\nw = 2\nengine = memory\n' > "$conf/tables/default.properties"
    "$here/bin/dynamo" server --conf "$conf" > "$work/$1-$2-n$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do
    for _ in $(seq 1 60); do
      curl -sf "http://127.0.0.1:$((base + 100 + i))/health" >/dev/null 2>&1 && break
      sleep 1
    done
    curl -sf "http://127.0.0.1:$((base + 100 + i))/health" >/dev/null 2>&1 || {
      echo "node n$i did not come up:" >&2; tail -5 "$work/$1-$2-n$i.log" >&2; exit 1; }
  done
}

# CPU time (user + system) of the nodes so far, in clock ticks
node_ticks() {
  local total=0 p
  for p in "${pids[@]}"; do
    [ -r "/proc/$p/stat" ] || { echo "node process $p is gone" >&2; exit 1; }
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

run() { # $1 = mode, $2 = round
  start_nodes "$1" "$2"
  local tls=()
  [ "$1" = tls ] && tls=(--tls-cert "$work/certs/bench.pem" --tls-key "$work/certs/bench-key.pem" \
      --tls-ca "$work/certs/ca.pem")
  local bench=("$here/bin/dynamo" bench --seed "127.0.0.1:$((base + 1))" --threads "$threads" --keys "$keys"
      --read 0.5 --value-size "$value" "${tls[@]}")
  "${bench[@]}" --duration "$warmup" --random-seed 7 > "$work/warmup-$1-$2.txt" 2>&1 || true
  local before after
  "${bench[@]}" --warmup "$client_warmup" --duration "$duration" > "$work/bench-$1-$2.txt" 2>&1 &
  measured=$!
  # bounded: the client warm-up ends within --client-warmup plus the client's start
  for _ in $(seq 1 600); do
    grep -q '^warm-up:' "$work/bench-$1-$2.txt" 2>/dev/null && break
    kill -0 "$measured" 2>/dev/null || break
    sleep 0.2
  done
  before=$(node_ticks)
  wait "$measured" || true
  measured=""
  after=$(node_ticks)
  stop_nodes
  local tput ops cpu
  tput=$(awk '$1 == "total" {print $3}' "$work/bench-$1-$2.txt")
  ops=$(awk '$1 == "total" {print $2}' "$work/bench-$1-$2.txt")
  cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="${ops:-0}" \
      'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-" }')
  echo "| $2 | $1 | ${tput:-failed} | $cpu |"
  sed 's/^/    /' "$work/bench-$1-$2.txt" >&2
}

echo "| round | binary port | ops/s | node CPU per op (µs, 3 nodes) |"
echo "| --- | --- | --- | --- |"
for r in $(seq 1 "$rounds"); do
  run plain "$r"
  run tls "$r"
done
