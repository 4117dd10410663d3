#!/usr/bin/env bash
# Local single-node Elasticsearch 8 from Maven Central artifacts: es.sh up | down | status.
# Data, logs, PID and the built launcher live under var/es (git-ignored); jars are cached in ~/.m2.
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

BUILD="$ES_HOME/build"
PID_FILE="$ES_HOME/es.pid"
LOG_FILE="$ES_HOME/logs/console.log"
URL="http://$ES_HOST:$ES_PORT"

health() { curl -sf --max-time 2 "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null | grep -q '"status":"\(green\|yellow\)"'; }
our_pid() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null && cat "$PID_FILE"; }

build_launcher() {
    mkdir -p "$BUILD/classes" "$ES_HOME/logs"
    local sum; sum="$(cat "$ROOT/es/pom.xml" "$ROOT"/es/src/org/elasticsearch/node/*.java | sha1sum | cut -c1-12)"
    if [[ -f "$BUILD/stamp" && "$(cat "$BUILD/stamp")" == "$sum" ]]; then return; fi
    echo "es: resolving Elasticsearch jars from Maven Central (cached in ~/.m2) ..."
    mvn -q -B -f "$ROOT/es/pom.xml" dependency:build-classpath -Dmdep.outputFile="$BUILD/classpath.txt" >"$BUILD/mvn.log" 2>&1 \
        || { cat "$BUILD/mvn.log" >&2; echo "es: could not resolve the Elasticsearch artifacts (see above)" >&2; exit 1; }
    rm -rf "$BUILD/classes" && mkdir -p "$BUILD/classes"
    javac -nowarn -d "$BUILD/classes" -cp "$(cat "$BUILD/classpath.txt")" "$ROOT"/es/src/org/elasticsearch/node/*.java
    echo "$sum" >"$BUILD/stamp"
}

up() {
    if pid="$(our_pid)"; then
        health && { echo "es: already running (pid $pid) at $URL"; return 0; }
    elif health; then
        echo "es: a node already answers at $URL; reusing it"; return 0
    fi
    build_launcher
    mkdir -p "$ES_HOME/tmp" "$ES_HOME/logs"
    echo "es: starting Elasticsearch at $URL (heap $ES_HEAP, home $ES_HOME)"
    # jdk.incubator.vector lets Lucene/ES score vectors with SIMD (as the stock jvm.options do).
    nohup java -Xms"$ES_HEAP" -Xmx"$ES_HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError --add-modules=jdk.incubator.vector \
        -Djava.io.tmpdir="$ES_HOME/tmp" -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
        -cp "$BUILD/classes:$(cat "$BUILD/classpath.txt")" org.elasticsearch.node.LocalNode \
        "$ES_HOME" "$ES_PORT" "$ES_TRANSPORT_PORT" >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    local waited=0
    until health; do
        if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null || (( waited >= ES_START_TIMEOUT )); then
            echo "es: Elasticsearch did not come up within ${waited}s; last log lines:" >&2
            tail -n 40 "$LOG_FILE" >&2
            down >/dev/null 2>&1 || true
            exit 1
        fi
        sleep 1; waited=$((waited + 1))
    done
    echo "es: up after ${waited}s: $(curl -s "$URL" | tr -d '\n ' | grep -o '"number":"[^"]*"')"
}

down() {
    local pid
    if ! pid="$(our_pid)"; then echo "es: not running (no live PID in $PID_FILE)"; rm -f "$PID_FILE"; return 0; fi
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then echo "es: pid $pid did not stop in 30s; killing it"; kill -9 "$pid"; fi
    rm -f "$PID_FILE"
    echo "es: stopped (pid $pid)"
}

status() {
    if pid="$(our_pid)"; then echo "es: running (pid $pid)"; else echo "es: not started by us"; fi
    health && curl -s "$URL/_cluster/health" && echo || { echo "es: no healthy node at $URL"; return 1; }
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: es/es.sh up|down|status" >&2; exit 2 ;;
esac
