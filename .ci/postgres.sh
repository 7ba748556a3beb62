#!/usr/bin/env bash
# Install (from Debian packages) and start a PostgreSQL server on 127.0.0.1:5432 with role/database for the tests.
# Idempotent: does nothing that is already done.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^${version} main"; then
    pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
    pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
    if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done

su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='bot'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"create role bot login password 'bot'\""
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='bot_test'\"" | grep -q 1 \
    || su postgres -c "createdb -O bot bot_test"
echo "PostgreSQL ${version} is up on 127.0.0.1:5432 (database bot_test, role bot)."
