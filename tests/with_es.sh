#!/usr/bin/env bash
# Run a command with the local Elasticsearch node up; stop the node afterwards (also on failure)
# only if this script started it.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=0
if ! es/es.sh status >/dev/null 2>&1; then
    es/es.sh up || exit 1
    started=1
fi
cleanup() { if [[ $started == 1 ]]; then es/es.sh down; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
"$@"
