#!/usr/bin/env bash
# Two bbk processes on one PostgreSQL database behind HAProxy (deploy/haproxy.cfg, unchanged),
# then calls through the proxy that need both processes to behave as one (docs/DEPLOY.md):
# a contributor session whose calls land on both, consumer reads, a quota counted once, and a
# rescinded token refused at once on every process. Prints each check; exits non-zero on the first
# that fails. Stops everything it started on exit.
#
#   BBK_DATABASE_URL=postgres://bbk:bbk@127.0.0.1:5432/postgres scripts/deploy-demo.sh
#
# Environment: BBK_DATABASE_URL (required); BBK_DATABASE_SCHEMA (an existing schema; default: a
# fresh one made with psql and dropped afterwards); BBK_DEMO_PORT (first of 9 consecutive ports:
# 3 for the proxy, 3 per process; default 18001); BBK_DEMO_LOG (directory for the logs).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BBK_DATABASE_URL:?set BBK_DATABASE_URL=postgres://user:pass@host:port/db (PostGIS required)}"
command -v haproxy >/dev/null || { echo "deploy-demo: haproxy is not installed (Debian: apt-get install haproxy)"; exit 2; }
[ -f packages/cli/dist/bundle/cli.js ] || { echo "deploy-demo: build first (pnpm build: tsc -b tsconfig.build.json, then node scripts/build-cli.mjs)"; exit 2; }

base=${BBK_DEMO_PORT:-18001}
logs=${BBK_DEMO_LOG:-$(mktemp -d)}
pids=()
made_schema=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$made_schema" ]; then psql -q "$BBK_DATABASE_URL" -c "DROP SCHEMA IF EXISTS $made_schema CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$logs/data1" "$logs/data2"
}
trap cleanup EXIT

if [ -z "${BBK_DATABASE_SCHEMA:-}" ]; then
  made_schema="bbk_demo_$$"
  psql -q "$BBK_DATABASE_URL" -c "CREATE SCHEMA $made_schema" >/dev/null
  export BBK_DATABASE_SCHEMA=$made_schema
fi

export BBK_PROXY_HOST=127.0.0.1 BBK_HOST1=127.0.0.1 BBK_HOST2=127.0.0.1
export BBK_PROXY_COORDINATOR_PORT=$base BBK_PROXY_CONTRIBUTOR_PORT=$((base + 1)) BBK_PROXY_CONSUMER_PORT=$((base + 2))
export BBK1_COORDINATOR_PORT=$((base + 3)) BBK1_CONTRIBUTOR_PORT=$((base + 4)) BBK1_CONSUMER_PORT=$((base + 5))
export BBK2_COORDINATOR_PORT=$((base + 6)) BBK2_CONTRIBUTOR_PORT=$((base + 7)) BBK2_CONSUMER_PORT=$((base + 8))

# the processes: the first creates the schema and prints the bootstrap token, the second joins it
start_bbk() { # n coordinator contributor consumer
  mkdir -p "$logs/data$1"
  node packages/cli/dist/bundle/cli.js start --database "$BBK_DATABASE_URL" --data-dir "$logs/data$1" --no-console \
    --coordinator-port "$2" --contributor-port "$3" --consumer-port "$4" --json --log-file "$logs/bbk$1.log" \
    >"$logs/bbk$1.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    [ -s "$logs/bbk$1.out" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$logs/bbk$1.out"; exit 1; }
    sleep 0.5
  done
  echo "deploy-demo: bbk $1 did not start"; exit 1
}
start_bbk 1 "$BBK1_COORDINATOR_PORT" "$BBK1_CONTRIBUTOR_PORT" "$BBK1_CONSUMER_PORT"
start_bbk 2 "$BBK2_COORDINATOR_PORT" "$BBK2_CONTRIBUTOR_PORT" "$BBK2_CONSUMER_PORT"
admin=$(jq -r .bootstrapToken "$logs/bbk1.out")
[ "$admin" != null ] || { echo "deploy-demo: the schema was not empty (no bootstrap token); use a fresh BBK_DATABASE_SCHEMA"; exit 1; }
echo "ok   two bbk processes on one database (schema $BBK_DATABASE_SCHEMA)"

haproxy -db -f deploy/haproxy.cfg >"$logs/haproxy.log" 2>&1 &
pids+=($!)
coord="http://127.0.0.1:$BBK_PROXY_COORDINATOR_PORT/v1"
contrib="http://127.0.0.1:$BBK_PROXY_CONTRIBUTOR_PORT/v1"
consumer="http://127.0.0.1:$BBK_PROXY_CONSUMER_PORT/v1"
for _ in $(seq 1 60); do curl -fs "$coord/readyz" >/dev/null 2>&1 && break; sleep 0.25; done
echo "ok   haproxy on :$BBK_PROXY_COORDINATOR_PORT :$BBK_PROXY_CONTRIBUTOR_PORT :$BBK_PROXY_CONSUMER_PORT"

# api TOKEN METHOD URL [JSON]: the body on stdout (its headers kept in $logs/last-headers, the answering
# process appended to $logs/served-by); fails on a non-2xx answer
api() {
  local out headers
  out=$(mktemp) headers=$(mktemp)
  local status
  status=$(curl -s -o "$out" -D "$headers" -w '%{http_code}' -X "$2" -H "x-bbk-auth-token: $1" \
    ${4:+-H 'content-type: application/json' --data "$4"} "$3")
  grep -i '^x-bbk-process:' "$headers" | tr -d '\r' | awk '{ print $2 }' >>"$logs/served-by" || true
  cat "$out"
  mv "$headers" "$logs/last-headers"
  rm -f "$out"
  [ "${status:0:1}" = 2 ] || { echo >&2 "deploy-demo: $2 $3 answered $status"; return 1; }
}
status_of() { curl -s -o /dev/null -w '%{http_code}' -H "x-bbk-auth-token: $1" "$2"; }
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected $3, got $2"; exit 1; fi; }

api "$admin" POST "$coord/entity/country" '{"name":"Country","description":"Countries"}' >/dev/null
created=$(api "$admin" POST "$coord/entity/country/connector/world" '{"name":"World","description":"All countries"}')
cid=$(jq -r .id <<<"$created")
ctoken=$(jq -r .token <<<"$created")
api "$admin" POST "$coord/entity/country/connector/world/live" >/dev/null
quota='{"enabled":true,"quota":{"max_number":20,"interval_type":"day"}}'
api "$admin" POST "$coord/policy/demo" "{\"name\":\"Demo\",\"description\":\"all countries\",\"policy\":{\"access_control\":$quota,\"data_segment\":{\"segment_query\":{\"type\":\"country\"},\"field_masks\":[]},\"legal_context\":[]}}" >/dev/null
api "$admin" POST "$coord/user" '{"name":"Demo consumer","email":"demo@example.org","organization":"Example"}' >/dev/null
uid=$(grep -i '^location:' "$logs/last-headers" | tr -d '\r' | sed 's#.*/##')
token=$(api "$admin" POST "$coord/user/$uid/access/demo" | tr -d '"[:space:]')

# one session, its calls spread over both processes by the proxy
sid=$(api "$ctoken" GET "$contrib/connector/$cid/session/open/accrue" | tr -d '"[:space:]')
for i in 1 2 3 4 5 6; do
  api "$ctoken" POST "$contrib/connector/$cid/session/$sid/upsert" "[{\"id\":\"c$i\",\"name\":\"Country $i\",\"entity\":{\"n\":$i}}]" >/dev/null
done
api "$ctoken" GET "$contrib/connector/$cid/session/$sid/close/true" >/dev/null
names=$(api "$token" GET "$consumer/entity/country?limit=250" | jq -r '[.[].name] | join(",")')
check "a session's calls through both processes, read back in posted order" "$names" \
  "Country 1,Country 2,Country 3,Country 4,Country 5,Country 6"

# the quota of 20 is one count: 30 more calls through the proxy, 19 of them admitted
admitted=0
for _ in $(seq 1 30); do [ "$(status_of "$token" "$consumer/entity/country")" = 200 ] && admitted=$((admitted + 1)); done
check "a quota of 20 counted once across the processes" "$admitted" 19

# a reissued token: the old one is refused at once, through whichever process answers
api "$admin" PUT "$coord/user/$uid/access/demo" >/dev/null
check "a rescinded token refused by the next call (1)" "$(status_of "$token" "$consumer/entity")" 403
check "a rescinded token refused by the next call (2)" "$(status_of "$token" "$consumer/entity")" 403

served=$(sort -u "$logs/served-by" | tr '\n' ' ')
check "both processes answered" "$served" "bbk1 bbk2 "
echo "deploy-demo: all checks passed (logs in $logs)"
