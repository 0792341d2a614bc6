# Apache Cassandra 5.0 for bench/suite.sh: sourced by it, uses its helpers (start_bg, wait_port,
# stop_pids, forget_pids, ycsb, ycsb_load, log) and variables (work, results, root, java, records,
# workloads, node_heap, bench_cp). Defines run_cassandra, which fetches Cassandra through Maven
# (bench/cassandra/server/pom.xml), builds the YCSB binding (bench/cassandra/client), starts three
# nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (RF=3, QUORUM reads and writes), loads, runs the
# workloads and stops the nodes. On any failure it records why in the report and returns 1.

cassandra_version=5.0.6
cassandra_dir="$root/bench/cassandra"

cassandra_skip() {
  log "Cassandra skipped: $*"
  echo "cassandra=skipped: $*" >> "$results/meta.properties"
  return 1
}

run_cassandra() {
  local i addr
  # three loopback addresses, one node each (the nodes share ports: 9042 CQL, 7000 storage)
  for i in 1 2 3; do
    addr="127.0.0.$i"
    if ! port_free "$addr" 9042 || ! port_free "$addr" 7000; then
      cassandra_skip "port 9042 or 7000 on $addr is in use (another Cassandra?)"; return 1
    fi
  done
  log "Cassandra $cassandra_version: resolving its class path through Maven (the first time downloads ~100 jars)..."
  if ! (cd "$cassandra_dir/server" && mvn -B -q -Dstyle.color=never dependency:build-classpath \
        -Dmdep.outputFile="$work/cassandra.cp") >"$work/cassandra-mvn.log" 2>&1; then
    tail -20 "$work/cassandra-mvn.log" >&2
    cassandra_skip "Maven could not fetch org.apache.cassandra:cassandra-all:$cassandra_version"; return 1
  fi
  log "building the Cassandra YCSB binding (bench/cassandra/client)..."
  if ! (cd "$cassandra_dir/client" && mvn -B -q -Dstyle.color=never package) >"$work/cassandra-client-mvn.log" 2>&1; then
    tail -20 "$work/cassandra-client-mvn.log" >&2
    cassandra_skip "the YCSB binding for Cassandra did not build"; return 1
  fi
  local cp jamm opts
  cp="$(cat "$work/cassandra.cp")"
  jamm="$(tr ':' '\n' < "$work/cassandra.cp" | grep '/jamm-' | head -1)"
  opts="$(grep -v '^#' "$cassandra_dir/jvm17.options" | tr '\n' ' ')"
  local cpids=() node dir
  for i in 1 2 3; do
    addr="127.0.0.$i" dir="$work/cassandra/node$i"
    mkdir -p "$dir/logs"
    sed -e "s|@ADDRESS@|$addr|g" -e "s|@DIR@|$dir|g" "$cassandra_dir/cassandra.yaml.template" > "$dir/cassandra.yaml"
  done
  # the seed first; the others join it once it listens (auto_bootstrap: false, the cluster is empty)
  for i in 1 2 3; do
    addr="127.0.0.$i" dir="$work/cassandra/node$i"
    # shellcheck disable=SC2086
    start_bg "$dir/logs/stdout.log" "$java" "-Xms$node_heap" "-Xmx$node_heap" $opts ${jamm:+-javaagent:$jamm} \
      -Dcassandra.config="file://$dir/cassandra.yaml" -Dcassandra.storagedir="$dir" -Dcassandra.logdir="$dir/logs" \
      -Dlogback.configurationFile="$cassandra_dir/logback.xml" -Dcassandra-foreground=yes \
      -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=1000 -Dcassandra.load_ring_state=false \
      -cp "$cp" org.apache.cassandra.service.CassandraDaemon
    cpids+=("$last_pid")
    if [ "$i" = 1 ]; then
      if ! wait_port 127.0.0.1 9042 240 "$last_pid" "$dir/logs/system.log"; then
        stop_pids "${cpids[@]}"; forget_pids "${cpids[@]}"
        cassandra_skip "node 1 did not start within 240 s (logs above)"; return 1
      fi
    fi
  done
  for i in 2 3; do
    if ! wait_port "127.0.0.$i" 9042 240 "${cpids[$((i-1))]}" "$work/cassandra/node$i/logs/system.log"; then
      stop_pids "${cpids[@]}"; forget_pids "${cpids[@]}"
      if grep -q "Cannot assign requested address\|Unable to bind" "$work/cassandra/node$i/logs/system.log" 2>/dev/null; then
        cassandra_skip "node $i cannot bind 127.0.0.$i: this machine's loopback does not answer on 127.0.0.2-3"
      else
        cassandra_skip "node $i did not start within 240 s (logs above)"
      fi
      return 1
    fi
  done
  sleep 5 # gossip: every node sees the other two before the keyspace (RF=3) is created
  echo "cassandra=Apache Cassandra $cassandra_version, 3 nodes on 127.0.0.1-3, -Xmx$node_heap each, RF=3, QUORUM reads and writes, commit log periodic (10 s), DataStax Java driver 4.17 (bench/cassandra/client)" >> "$results/meta.properties"
  local ccp hosts_c wl
  ccp="$cassandra_dir/client/target/cassandra-ycsb-binding-1.jar:$cassandra_dir/client/target/lib/*"
  # the suite's warm-up workload comes from dynamo-bench (it needs only YCSB and these jars)
  ccp="$ccp:$(bench_jar):$(ls "$root"/dynamo-bench/target/lib/dynamo-core-*.jar "$root"/dynamo-bench/target/lib/dynamo-api-*.jar | tr '\n' ':')"
  hosts_c="127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042"
  local ok=0
  if ycsb_load dev.dynamo.bench.cassandra.CassandraDB "$ccp" -p cassandra.hosts="$hosts_c" -p cassandra.create=true; then
    for wl in ${workloads//,/ }; do
      ycsb cassandra "Cassandra $cassandra_version RF=3 QUORUM" - "$wl" dev.dynamo.bench.cassandra.CassandraDB "$ccp" -- \
        -p cassandra.hosts="$hosts_c"
    done
  else
    ok=1
  fi
  log "stopping Cassandra"
  stop_pids "${cpids[@]}"; forget_pids "${cpids[@]}"
  if [ "$keep" = 1 ]; then rm -rf "$work"/cassandra/node*/{data,commitlog,hints,saved_caches}; else rm -rf "$work/cassandra"; fi
  return $ok
}
