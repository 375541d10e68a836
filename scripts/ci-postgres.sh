#!/usr/bin/env bash
# Starts PostgreSQL 15 with PostGIS for the tests (Debian, as root: what CI runs on) and prints the
# URL to use as BBK_TEST_DATABASE_URL. Safe to run again. Without it the PostgreSQL tests are skipped.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages="postgresql-15 postgresql-15-postgis-3"
if ! dpkg -s $packages >/dev/null 2>&1; then
  apt-get install -y -q $packages >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }
fi
pg_lsclusters -h | grep -q '^15 *main ' || pg_createcluster 15 main >/dev/null
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
port=$(pg_lsclusters -h | awk '$1 == "15" && $2 == "main" { print $3 }')
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bbk') THEN
    CREATE ROLE bbk LOGIN SUPERUSER PASSWORD 'bbk';
  END IF;
END $$;
SQL
echo "postgres://bbk:bbk@127.0.0.1:$port/postgres"
