#!/usr/bin/env bash
# Start a local PostgreSQL for the store contract tests and print the URL to use:
#
#     eval "$(bash .ci/postgres.sh)"
#     .venv/bin/python -m pytest tests/store
#
# For CI on Debian/Ubuntu, run as root. Installs PostgreSQL with apt if it is absent, creates
# and starts a cluster listening on 127.0.0.1, and creates a login role and a database owned
# by it. Safe to run again: every step checks first. Only the `export ...` line goes to
# stdout; everything else goes to stderr.
#
# Settings (environment): NFPOPT_PG_USER, NFPOPT_PG_PASSWORD, NFPOPT_PG_DB (default: nfpopt,
# nfpopt, nfpopt_test), NFPOPT_PG_CLUSTER (default: main).
set -euo pipefail

pg_user=${NFPOPT_PG_USER:-nfpopt}
pg_password=${NFPOPT_PG_PASSWORD:-nfpopt}
pg_db=${NFPOPT_PG_DB:-nfpopt_test}
cluster=${NFPOPT_PG_CLUSTER:-main}

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for name in "$pg_user" "$pg_db" "$cluster"; do
  [[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || die "'$name' is not a plain lower-case identifier"
done
[[ $pg_password != *"'"* ]] || die "NFPOPT_PG_PASSWORD must not contain a single quote"
[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and manages the cluster)"

if ! command -v pg_lsclusters >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
then
  log "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
[[ -n $version ]] || die "no PostgreSQL server found under /usr/lib/postgresql"

if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' \
  | grep -q .; then
  log "creating cluster $version/$cluster"
  pg_createcluster "$version" "$cluster" -- --auth-local=peer --auth-host=scram-sha-256 >&2
fi

read -r port status < <(pg_lsclusters --no-header \
  | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3, $4}')
if [[ $status != online* ]]; then
  log "starting cluster $version/$cluster on port $port"
  pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "server on 127.0.0.1:$port did not become ready"

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAtX "$@"; }

if [[ -z $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'") ]]; then
  log "creating role $pg_user"
  psql_admin -c "CREATE ROLE $pg_user LOGIN CREATEDB PASSWORD '$pg_password'" >&2
else
  psql_admin -c "ALTER ROLE $pg_user LOGIN CREATEDB PASSWORD '$pg_password'" >&2
fi
if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$pg_db'") ]]; then
  log "creating database $pg_db"
  psql_admin -c "CREATE DATABASE $pg_db OWNER $pg_user" >&2
fi

log "PostgreSQL $version ready on 127.0.0.1:$port, database $pg_db"
echo "export NFPOPT_TEST_POSTGRES_URL=postgresql+psycopg://$pg_user:$pg_password@127.0.0.1:$port/$pg_db"
