#!/usr/bin/env bash
# A local scale-out cluster from the installed binaries (docs/deploy.md): three nats-server
# processes with JetStream in one cluster, the reads stream with three replicas, two
# `plateward worker`s and one web node. Ctrl+C stops everything this script started.
#
#   PLATEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/plateward scripts/local-cluster.sh
set -euo pipefail

: "${PLATEWARD_DATABASE_URL:?set PLATEWARD_DATABASE_URL to a migrated PostgreSQL database}"
BIN="${BIN:-.venv/bin}"
ROOT="${CLUSTER_DIR:-$(mktemp -d -t plateward-cluster.XXXXXX)}"
BASE_PORT="${BASE_PORT:-14222}"
WEB_PORT="${WEB_PORT:-8000}"
pids=()

stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped; data left in $ROOT"
}
trap stop EXIT INT TERM

routes=""
for i in 1 2 3; do
  routes+="nats-route://127.0.0.1:$((BASE_PORT + 100 + i)),"
done
routes="${routes%,}"

servers=""
for i in 1 2 3; do
  port=$((BASE_PORT + i))
  mkdir -p "$ROOT/n$i"
  cat > "$ROOT/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:$port
jetstream { store_dir: "$ROOT/n$i" }
cluster { name: plateward-local, listen: 127.0.0.1:$((BASE_PORT + 100 + i)), routes: [$routes] }
CONF
  nats-server -c "$ROOT/n$i.conf" > "$ROOT/n$i.log" 2>&1 &
  pids+=($!)
  servers+="nats://127.0.0.1:$port,"
done
export PLATEWARD_NATS_URL="${servers%,}"
export PLATEWARD_NATS_REPLICAS=3

echo "waiting for the JetStream cluster to elect a leader..."
for _ in $(seq 1 60); do
  if "$BIN/plateward" broker setup > "$ROOT/setup.log" 2>&1; then break; fi
  sleep 1
done
cat "$ROOT/setup.log"

for w in 1 2; do
  "$BIN/plateward" worker --metrics-port $((9100 + w)) > "$ROOT/worker$w.log" 2>&1 &
  pids+=($!)
done
"$BIN/plateward" serve --port "$WEB_PORT" > "$ROOT/web.log" 2>&1 &
pids+=($!)

echo "NATS: $PLATEWARD_NATS_URL"
echo "web:  http://127.0.0.1:$WEB_PORT  (/readyz, /metrics); workers' metrics on :9101, :9102"
echo "logs: $ROOT; Ctrl+C stops"
wait
