#!/usr/bin/env bash
# bin/dynamo bench against a 3-node local cluster (N=3 R=2 W=2, lww), once per engine,
# through the binary protocol (partition-aware client) and through the HTTP API;
# 50/50 gets and puts of 1 KiB values. Prints one Markdown table.
#
#   bench/cluster-bench.sh [--duration 20s] [--threads 8] [--keys 100000] [--engines "mvstore bdb rocksdb memory"]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=20s threads=8 keys=100000 base=19080 engines="mvstore bdb rocksdb memory"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --engines) engines=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d -t dynamo-cluster-bench-XXXXXX)"
. "$here/bench/local-cluster.sh"

row() { # $1 engine, $2 protocol, $3 bench output file
  awk -v e="$1" -v p="$2" '
    $1 == "get" { g50 = $4; g99 = $6; g999 = $7 }
    $1 == "put" { p50 = $4; p99 = $6; p999 = $7 }
    $1 == "total" { t = $3 }
    /^errors:/ { err = $0 }
    END { printf "| %s | %s | %s | %s / %s / %s | %s / %s / %s | %s |\n", e, p, t, g50, g99, g999, p50, p99, p999, (err == "" ? "none" : err) }' "$3"
}

echo "| engine | protocol | ops/s | get p50 / p99 / p99.9 ms | put p50 / p99 / p99.9 ms | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
for engine in $engines; do
  local_start "$work/local-$engine.log" --base-port "$base" --data-dir "$work/$engine" --engine "$engine"
  b1=$((base - 1000 + 1)); b2=$((base - 1000 + 2)); b3=$((base - 1000 + 3))
  "$here/bin/dynamo" bench --seed "127.0.0.1:$b1,127.0.0.1:$b2,127.0.0.1:$b3" --threads "$threads" \
      --keys "$keys" --duration "$duration" --read 0.5 --value-size 1024 > "$work/bin-$engine.txt" 2>&1 || true
  row "$engine" binary "$work/bin-$engine.txt"
  "$here/bin/dynamo" bench --http "127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2)),127.0.0.1:$((base + 3))" \
      --threads "$threads" --keys "$keys" --duration "$duration" --read 0.5 --value-size 1024 \
      > "$work/http-$engine.txt" 2>&1 || true
  row "$engine" HTTP "$work/http-$engine.txt"
  local_stop
done
