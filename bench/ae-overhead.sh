#!/usr/bin/env bash
# Throughput of 'bin/dynamo bench' against a 3-node local cluster with Merkle anti-entropy
# exchanging every second (60x the default) versus never, alternating runs to spread noise.
# Trees are maintained incrementally on every write in both modes (that cost is always
# paid); what differs is the exchange work: tree walks, digests, key transfers.
#
#   bench/ae-overhead.sh [--rounds 2] [--duration 30s] [--threads 8] [--keys 100000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=2 duration=30s threads=8 keys=100000 base=18080
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d -t dynamo-ae-XXXXXX)"
. "$here/bench/local-cluster.sh"

run() { # $1 = mode (on|off), $2 = round
  local interval=0
  [ "$1" = on ] && interval=1000
  local_start "$work/local-$1-$2.log" --base-port "$base" --data-dir "$work/$1-$2" \
      --set anti-entropy.interval-ms=$interval --set anti-entropy.keys-per-second=100000
  "$here/bin/dynamo" bench --seed "127.0.0.1:$((base - 1000 + 1))" --threads "$threads" --keys "$keys" \
      --duration "$duration" --read 0.5 --value-size 1024 > "$work/bench-$1-$2.txt" 2>&1
  local runs
  runs=$(curl -s "http://127.0.0.1:$((base + 1))/repair" | sed -n 's/.*"runs":\([0-9]*\).*/\1/p')
  local_stop
  local tput
  tput=$(sed -n 's/^total.* \([0-9.]*\) ops\/s.*/\1/p' "$work/bench-$1-$2.txt" | head -1)
  [ -n "$tput" ] || tput=$(grep -Eo '[0-9.]+ ops/s' "$work/bench-$1-$2.txt" | head -1 | cut -d' ' -f1)
  echo "| $2 | anti-entropy $1 | $tput | ${runs:-?} |"
  sed 's/^/    /' "$work/bench-$1-$2.txt" >&2
}

echo "| round | mode | ops/s | anti-entropy runs on n1 |"
echo "| --- | --- | --- | --- |"
for r in $(seq 1 "$rounds"); do
  run off "$r"
  run on "$r"
done
