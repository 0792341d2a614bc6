#!/usr/bin/env bash
# The benchmark suite: in one run on this machine, YCSB workloads against our store (3 nodes on
# loopback, N=3 R=2 W=2, each engine), beside its limits (a bare Netty echo, each engine in-process)
# and Apache Cassandra 5.0 (3 nodes on 127.0.0.1-3, RF=3, QUORUM); prints one Markdown report.
# See docs/benchmarks.md. Everything it starts is stopped on exit, failure or Ctrl-C; data lives
# under a temporary directory, deleted on exit unless --keep.
#
#   bench/suite.sh                      # the full suite: 100k records, 30 s per run, 16 threads
#   bench/suite.sh --smoke              # seconds-long check of the whole path (CI)
#   bench/suite.sh --records 20000 --duration 10 --engines memory,rocksdb --workloads a,c --no-cassandra
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/suite.sh [options]
  --records N          records loaded, 1 KB each (default 100000)
  --duration S         seconds per YCSB run (default 30)
  --warmup S           unmeasured seconds of the same workload before each run (default 10)
  --first-warmup S     the same before the first run of each freshly started target (default 60): its
                       JVMs are still compiling; on 2 cores a 3-node cluster's JITs take about a minute
  --threads T          YCSB client threads of every run (default 16)
  --load-threads T     threads of the load phase (default 16)
  --workloads LIST     of a,b,c,d,e,f (default a,b,c,f)
  --engines LIST       of memory,mvstore,bdb,rocksdb (default all four)
  --no-cassandra       skip Apache Cassandra
  --no-echo            skip the Netty echo ceiling
  --no-ceiling         skip the in-process engine ceiling
  --no-n1              skip our store at N=1 (memory engine), the echo's comparison
  --no-ours3           skip our store at N=3 (only ceilings/experiments)
  --experiments        also the paper's experiments, on 3 nodes N=3 R=2 W=2, workload a: client- vs
                       server-driven coordination (dynamo.routing=client|any), buffered vs sync durability;
                       and the ring's load balance for Q=256/1024, S=3..10 (computed, no cluster)
  --experiment-engine E  engine of the experiments (default mvstore)
  --only-experiments   the experiments alone (same as --experiments --no-ours3 --no-n1 --no-echo
                       --no-ceiling --no-cassandra)
  --blind-updates      YCSB updates write whole records without reading first, in every target
                       (writeallfields=true, dynamo.update=blind): Cassandra's kind of update
  --half-peak          after each 3-node run, the same workload at half its throughput (YCSB -target),
                       latency from each operation's intended start: the issue's p99.9 target
  --smoke              tiny run for CI: 200 records, 2 s per run, workload a, memory, no Cassandra
  --base-port P        our nodes use P+1.. (binary) and P+101.. (HTTP), echo P+200 (default 27000)
  --node-heap SIZE     -Xmx of each node and Cassandra node (default 1g)
  --handler-threads N  transport.netty.handler-threads of each of our nodes (default 0: requests are
                       handled on the event loops, as in every recorded run; a node's own default is a
                       pool of max(4, 2 x cores) threads, so that a slow disk stalls no event loop)
  --node-jvm-opts OPTS more JVM options of each of our nodes, split on spaces; for profiling, e.g.
                       '-XX:StartFlightRecording=filename=/tmp/prof/,settings=profile'
  --rebuild            run 'mvn package' even when the jars exist
  --out FILE           also write the report to FILE
  --keep               keep the temporary directory (data, logs, raw YCSB output)
EOF
}

records=100000 duration=30 warmup=10 first_warmup=60 fresh=0 threads=16 load_threads=16 workloads=a,b,c,f engines=memory,mvstore,bdb,rocksdb
cassandra=1 echo_ceiling=1 engine_ceiling=1 n1=1 ours3=1 experiments=0 experiment_engine=mvstore base_port=27000 node_heap=1g node_jvm_opts="" handler_threads=0
rebuild=0 out="" keep=0 blind_updates=0 half_peak=0
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --first-warmup) first_warmup="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --load-threads) load_threads="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --engines) engines="$2"; shift ;;
    --no-cassandra) cassandra=0 ;;
    --no-echo) echo_ceiling=0 ;;
    --no-ceiling) engine_ceiling=0 ;;
    --no-n1) n1=0 ;;
    --no-ours3) ours3=0 ;;
    --experiments) experiments=1 ;;
    --experiment-engine) experiment_engine="$2"; shift ;;
    --only-experiments) experiments=1 ours3=0 n1=0 echo_ceiling=0 engine_ceiling=0 cassandra=0 ;;
    --smoke) records=200 duration=2 warmup=0.5 first_warmup=0.5 threads=4 load_threads=4 workloads=a engines=memory cassandra=0 ;;
    --base-port) base_port="$2"; shift ;;
    --node-heap) node_heap="$2"; shift ;;
    --node-jvm-opts) node_jvm_opts="$2"; shift ;;
    --handler-threads) handler_threads="$2"; shift ;;
    --rebuild) rebuild=1 ;;
    --blind-updates) blind_updates=1 ;;
    --half-peak) half_peak=1 ;;
    --out) out="$2"; shift ;;
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "suite: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
log() { echo "suite: $*" >&2; }

# ---------------------------------------------------------------- cleanup: everything we start
work="$(mktemp -d "${TMPDIR:-/tmp}/dynamo-bench.XXXXXX")"
results="$work/results"
mkdir -p "$results"
pids=() watchdogs=()
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "process $pid did not stop on SIGTERM in 20 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
  done
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then stop_pids "${pids[@]}"; fi
  if [ ${#watchdogs[@]} -gt 0 ]; then kill "${watchdogs[@]}" 2>/dev/null || true; wait "${watchdogs[@]}" 2>/dev/null || true; fi
  if [ "$keep" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# start_bg LOG CMD...: runs CMD in the background, remembered for cleanup; sets $last_pid
# A watchdog per process stops it should this script die without running its trap (kill -9).
suite_pid=$$
start_bg() {
  local logfile="$1"; shift
  "$@" >"$logfile" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
  ( while kill -0 "$suite_pid" 2>/dev/null && kill -0 "$last_pid" 2>/dev/null; do sleep 2; done
    kill -TERM "$last_pid" 2>/dev/null ) >/dev/null 2>&1 &
  watchdogs+=("$!")
}
forget_pids() { # forget_pids PID...: after stopping them
  local keep_list=() p q skip
  for p in "${pids[@]}"; do
    skip=0; for q in "$@"; do [ "$p" = "$q" ] && skip=1; done
    [ $skip = 0 ] && keep_list+=("$p")
  done
  pids=("${keep_list[@]+"${keep_list[@]}"}")
}
port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # wait_port HOST PORT SECONDS PID LOG
  local i
  for i in $(seq 1 $(( $3 * 5 ))); do
    if ! port_free "$1" "$2"; then return 0; fi
    if ! kill -0 "$4" 2>/dev/null; then log "process $4 died while starting; its log ($5):"; tail -30 "$5" >&2; return 1; fi
    sleep 0.2
  done
  log "nothing listens on $1:$2 after $3 s; log $5:"; tail -30 "$5" >&2
  return 1
}

# ---------------------------------------------------------------- build (Maven fetches what is missing)
bench_jar() { ls "$root"/dynamo-bench/target/dynamo-bench-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -1; }
server_jar() { ls "$root"/dynamo-server/target/dynamo-server-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -1; }
if [ "$rebuild" = 1 ] || [ -z "$(bench_jar)" ] || [ -z "$(server_jar)" ] || [ ! -d "$root/dynamo-bench/target/lib" ] \
   || [ ! -d "$root/dynamo-server/target/lib" ]; then
  log "building (mvn -B -q -DskipTests package)..."
  (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests package) >&2
fi
bench_cp="$(bench_jar):$root/dynamo-bench/target/lib/*"
server_cp="$(server_jar):$root/dynamo-server/target/lib/*"
client_opts=(-Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

# ---------------------------------------------------------------- the run's identity
# BENCH_COMMIT names the commit when the tree is a copy without .git
commit="${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
if [ -z "${BENCH_COMMIT:-}" ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit (+ local changes)"
fi
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$commit"
  echo "cpu=${cpu:-unknown}"
  echo "cores=$(nproc)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "jdk=$("$java" -version 2>&1 | head -1 | tr -d '"')"
  echo "records=$records"
  echo "duration=$duration"
  echo "warmup=$warmup"
  echo "first_warmup=$first_warmup"
  echo "threads=$threads"
  echo "handler_threads=$handler_threads"
  echo "load=$(uptime | sed 's/.*load average: /load average before the run: /')"
} > "$results/meta.properties"

ycsb_common=(-p recordcount="$records" -p operationcount=2000000000 -p maxexecutiontime="$duration"
  -p workload=dev.dynamo.bench.ycsb.SuiteWorkload
  -p measurementtype=hdrhistogram -p hdrhistogram.percentiles=50,99,99.9 -p fieldcount=10 -p fieldlength=100)
# ycsb KIND LABEL ENGINE WORKLOAD DB [CLASSPATH] -- PROPS...: one timed YCSB run, recorded in the manifest
ycsb() {
  local kind="$1" label="$2" engine="$3" w="$4" db="$5" cp="$6"; shift 7
  local file="$kind-$engine-$w-$(echo "$label" | tr -c 'A-Za-z0-9' '_').txt" warm="$warmup"
  if [ "$fresh" = 1 ]; then warm="$first_warmup"; fresh=0; fi
  log "$label, workload $w: $threads threads, $duration s after $warm s of warm-up"
  if ! "$java" "${client_opts[@]}" -cp "$cp" site.ycsb.Client -t -db "$db" -P "$root/bench/workloads/workload$w" \
      -threads "$threads" "${ycsb_common[@]}" -p suite.warmup.seconds="$warm" "$@" >"$results/$file" 2>"$results/$file.log"; then
    log "YCSB failed for $label $w; see below"; tail -20 "$results/$file.log" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$label" "$engine" "$w" "$threads" "$file" >> "$results/manifest.tsv"
  last_file="$file"
}
ycsb_load() { # ycsb_load DB CLASSPATH PROPS...: a freshly started target, so its first run warms up longer
  local db="$1" cp="$2"; shift 2
  fresh=1
  local start=$SECONDS
  "$java" "${client_opts[@]}" -cp "$cp" site.ycsb.Client -load -db "$db" -P "$root/bench/workloads/workloada" \
      -threads "$load_threads" -p recordcount="$records" -p fieldcount=10 -p fieldlength=100 \
      -p core_workload_insertion_retry_limit=5 -p core_workload_insertion_retry_interval=1 "$@" \
      >"$work/load.out" 2>"$work/load.log" || { log "the load failed:"; tail -20 "$work/load.log" >&2; return 1; }
  local failed
  # YCSB counts every attempt's status; a record failed only if none of its retries returned OK
  local retried
  failed=$(( records - $(sed -n 's/^\[INSERT\], Return=OK, \([0-9]*\).*/\1/p' "$work/load.out" | head -1 | grep . || echo 0) ))
  retried="$(grep '^\[INSERT\], Return=' "$work/load.out" | grep -v 'Return=OK' | awk -F', ' '{n += $3} END {print n + 0}')"
  if [ "$retried" -gt 0 ]; then
    local why
    why="$(grep '^\[INSERT\], Return=' "$work/load.out" | grep -v 'Return=OK' | sed 's/^\[INSERT\], Return=//' | tr '\n' ' ')"
    log "the load retried $retried insert(s) that failed: $why"
    echo "${label:-Cassandra}: the load retried $retried failed insert(s): $why" >> "$results/notes.txt"
  fi
  if [ "$failed" -gt 0 ]; then
    log "the load failed to insert $failed of $records records (after YCSB's retries); later reads of them are NOT_FOUND"
    echo "${label:-Cassandra}: $failed of $records records failed to load" >> "$results/notes.txt"
  fi
  log "loaded $records records in $(( SECONDS - start )) s"
}

# ---------------------------------------------------------------- our store
# start_cluster NAME NODES N R W ENGINE DURABILITY: nodes n1..; sets $hosts and $cluster_pids
start_cluster() {
  local name="$1" nodes="$2" n="$3" r="$4" w="$5" engine="$6" durability="$7" i members=""
  for i in $(seq 1 "$nodes"); do
    if ! port_free 127.0.0.1 $(( base_port + i )) || ! port_free 127.0.0.1 $(( base_port + 100 + i )); then
      log "port $(( base_port + i )) or $(( base_port + 100 + i )) is in use; pick another --base-port"; return 1
    fi
    members="$members${members:+,}n$i@127.0.0.1:$(( base_port + i )):$(( base_port + 100 + i ))"
  done
  hosts="" cluster_pids=()
  for i in $(seq 1 "$nodes"); do
    local home="$work/$name/n$i"
    mkdir -p "$home/conf/tables" "$home/data"
    printf 'node.id = n%s\ncluster.nodes = %s\ndata.dir = %s\ntransport.netty.handler-threads = %s\n' "$i" "$members" \
      "$home/data" "$handler_threads" > "$home/conf/node.properties"
    printf 'n = %s\nr = %s\nw = %s\nengine = %s\nreconciler = lww\ndurability = %s\n' "$n" "$r" "$w" "$engine" \
      "$durability" > "$home/conf/tables/usertable.properties"
    # shellcheck disable=SC2086 # the options are split on spaces on purpose
    start_bg "$home/node.log" "$java" "-Xmx$node_heap" $node_jvm_opts -cp "$server_cp" dev.dynamo.server.cli.Main server \
      --conf "$home/conf" --parent-pid $$
    cluster_pids+=("$last_pid")
    hosts="$hosts${hosts:+,}127.0.0.1:$(( base_port + i ))"
  done
  for i in $(seq 1 "$nodes"); do
    wait_port 127.0.0.1 $(( base_port + 100 + i )) 90 "${cluster_pids[$((i-1))]}" "$work/$name/n$i/node.log" || return 1
  done
  command -v curl >/dev/null 2>&1 || return 0 # listening is enough without curl
  for i in $(seq 1 "$nodes"); do
    for _ in $(seq 1 150); do
      curl -fsS "http://127.0.0.1:$(( base_port + 100 + i ))/health" >/dev/null 2>&1 && break
      sleep 0.2
    done
  done
}
stop_cluster() {
  stop_pids "${cluster_pids[@]}"
  forget_pids "${cluster_pids[@]}"
  # the data goes now (disk space); with --keep the nodes' logs and configuration stay
  if [ "$keep" = 1 ]; then rm -rf "$work/$current_cluster"/n*/data; else rm -rf "$work/$current_cluster"; fi
}
# ours KIND LABEL NODES N R W ENGINE DURABILITY WORKLOADS [BINDING PROPS...]
ours() {
  local kind="$1" label="$2" nodes="$3" n="$4" r="$5" w="$6" engine="$7" durability="$8" wls="$9"; shift 9
  current_cluster="$kind-$engine"
  log "starting $label"
  start_cluster "$current_cluster" "$nodes" "$n" "$r" "$w" "$engine" "$durability" || { stop_cluster; return 1; }
  ycsb_load dev.dynamo.bench.ycsb.DynamoDB "$bench_cp" -p dynamo.hosts="$hosts" "$@" || { stop_cluster; return 1; }
  local wl
  for wl in ${wls//,/ }; do
    ycsb "$kind" "$label" "$engine" "$wl" dev.dynamo.bench.ycsb.DynamoDB "$bench_cp" -- -p dynamo.hosts="$hosts" "$@"
    if [ "$half_peak" = 1 ] && [ "$kind" = ours3 ]; then
      # the issue's latency target is at half of peak: the same workload, throttled to half the
      # throughput just measured, latency counted from each operation's intended start
      local peak
      peak="$(sed -n 's/^\[OVERALL\], Throughput(ops\/sec), \([0-9]*\).*/\1/p' "$results/$last_file")"
      if [ -n "$peak" ] && [ "$peak" -ge 2 ]; then
        ycsb "$kind-half" "$label at half peak ($(( peak / 2 )) ops/s)" "$engine" "$wl" dev.dynamo.bench.ycsb.DynamoDB \
          "$bench_cp" -- -p dynamo.hosts="$hosts" -target "$(( peak / 2 ))" -p measurement.interval=intended "$@"
      fi
    fi
  done
  stop_cluster
}

failures=0
if [ "$ours3" = 1 ]; then
  for e in ${engines//,/ }; do
    ours ours3 "ours N=3 R=2 W=2 $e" 3 3 2 2 "$e" buffered "$workloads" || failures=$((failures + 1))
  done
fi
if [ "$n1" = 1 ]; then
  ours ours1 "ours N=1 memory" 1 1 1 1 memory buffered "$workloads" || failures=$((failures + 1))
fi

# ---------------------------------------------------------------- the limits
if [ "$echo_ceiling" = 1 ]; then
  echo_port=$(( base_port + 200 ))
  start_bg "$work/echo.log" "$java" -Xmx512m -cp "$bench_cp" dev.dynamo.bench.echo.EchoServer 127.0.0.1 "$echo_port"
  echo_pid=$last_pid
  if wait_port 127.0.0.1 "$echo_port" 30 "$echo_pid" "$work/echo.log"; then
    fresh=1
    for wl in ${workloads//,/ }; do
      ycsb echo "Netty echo (transport ceiling)" - "$wl" dev.dynamo.bench.ycsb.EchoDB "$bench_cp" -- -p echo.port="$echo_port"
    done
  else
    failures=$((failures + 1))
  fi
  stop_pids "$echo_pid"; forget_pids "$echo_pid"
fi
if [ "$engine_ceiling" = 1 ]; then
  for e in ${engines//,/ }; do
    mkdir -p "$work/engine-$e"
    for wl in ${workloads//,/ }; do
      ycsb engine "$e in-process (storage ceiling)" "$e" "$wl" dev.dynamo.bench.ycsb.EngineDB "$bench_cp" -- \
        -p suite.preload=true -p engine.name="$e" -p engine.dir="$work/engine-$e"
    done
    rm -rf "$work/engine-$e"
  done
fi

# ---------------------------------------------------------------- the paper's experiments
if [ "$experiments" = 1 ]; then
  e="$experiment_engine"
  log "load balance of the ring: Q=256 and 1024, S=3..10"
  "$java" "${client_opts[@]}" -cp "$bench_cp" dev.dynamo.bench.suite.RingBalance "$records" > "$results/ring-balance.md" \
    || failures=$((failures + 1))
  ours coord-client "client-driven coordination, $e" 3 3 2 2 "$e" buffered a -p dynamo.routing=client || failures=$((failures + 1))
  ours coord-any "server-driven coordination (any node), $e" 3 3 2 2 "$e" buffered a -p dynamo.routing=any || failures=$((failures + 1))
  ours dur-buffered "durability buffered, $e" 3 3 2 2 "$e" buffered a || failures=$((failures + 1))
  ours dur-sync "durability sync, $e" 3 3 2 2 "$e" sync a || failures=$((failures + 1))
fi

# ---------------------------------------------------------------- Apache Cassandra
if [ "$cassandra" = 1 ]; then
  if ! source "$root/bench/cassandra/cassandra.sh"; then
    log "Cassandra skipped: bench/cassandra/cassandra.sh is missing"
    echo "cassandra=skipped: bench/cassandra/cassandra.sh is missing" >> "$results/meta.properties"
  elif ! run_cassandra; then
    failures=$((failures + 1))
  fi
else
  echo "cassandra=not run (--no-cassandra)" >> "$results/meta.properties"
fi

# ---------------------------------------------------------------- the report
report="$work/report.md"
"$java" "${client_opts[@]}" -cp "$bench_cp" dev.dynamo.bench.suite.SuiteReport "$results" > "$report"
cat "$report"
if [ -n "$out" ]; then cp "$report" "$out"; log "report written to $out"; fi
if [ "$failures" -gt 0 ]; then log "$failures part(s) failed; see the messages above"; exit 1; fi
