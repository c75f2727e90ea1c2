#!/usr/bin/env bash
# PostgreSQL for the tests that need a real one (the pg-boss queue, the scale-out fault tests).
#
#   . scripts/postgres.sh          # from scripts/test.sh: exports GRADLAB_TEST_PG_URL (a fresh database)
#   eval "$(bash scripts/postgres.sh)"   # the same for a local shell
#
# When nothing listens on 127.0.0.1:5432, it installs Debian's `postgresql` if missing (as root,
# like setup.sh does for chromium) and starts a throwaway cluster it owns under GRADLAB_PG_DIR
# (default /tmp/gradlab-pg): trust authentication, TCP on 127.0.0.1:5432 and a unix socket in that
# folder, durability off (fsync) because it holds nothing worth keeping. PostgreSQL refuses to run
# as root, so as root the cluster runs as the `postgres` user (created if missing).
# When something already listens there, it is used as it is: GRADLAB_PG_ADMIN_URL names a role
# allowed to create databases (default postgres://postgres@127.0.0.1:5432/postgres).
#
# Exports: GRADLAB_TEST_PG_URL (a database created for this run; gradlab_pg_drop_test_db drops it),
# GRADLAB_TEST_PG_ADMIN_URL, and GRADLAB_TEST_PG_BIN (the server's binaries: the fault tests start
# private clusters of their own, to restart them without disturbing anyone else's tests).

_gradlab_pg() {
  local dir=${GRADLAB_PG_DIR:-/tmp/gradlab-pg}
  local admin=${GRADLAB_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "postgres: apt-get install postgresql" >&2
      # Debian's package would create and start a cluster of its own on 5432; the tests own theirs.
      mkdir -p /etc/postgresql-common
      [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    fi
    if [ -z "$bin" ]; then
      echo "postgres: PostgreSQL is not installed (Debian: apt-get install postgresql) and nothing listens on 127.0.0.1:5432" >&2
      return 1
    fi
  fi
  export GRADLAB_TEST_PG_BIN=$bin

  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p 5432; then
    # Run the server as a user other than root.
    local as=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
      as=(runuser -u postgres --)
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/cluster/PG_VERSION" ]; then
      echo "postgres: initdb $dir/cluster" >&2
      "${as[@]}" "$bin/initdb" -D "$dir/cluster" -U postgres -A trust --no-sync -E UTF8 >/dev/null
    fi
    echo "postgres: starting the test cluster ($dir/cluster) on 127.0.0.1:5432" >&2
    "${as[@]}" "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p 5432 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null
    admin=postgres://postgres@127.0.0.1:5432/postgres
  fi
  export GRADLAB_TEST_PG_ADMIN_URL=$admin

  local db="gradlab_test_$(date +%Y%m%d%H%M%S)_$$"
  if ! "$bin/psql" -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE DATABASE $db" >/dev/null; then
    echo "postgres: could not create a database as ${admin%%@*}@…: set GRADLAB_PG_ADMIN_URL to a role that may (CREATEDB)" >&2
    return 1
  fi
  export GRADLAB_TEST_PG_URL="${admin%/*}/$db"
  echo "postgres: tests use $GRADLAB_TEST_PG_URL" >&2
}

# Drop this run's database (scripts/test.sh calls it on exit).
gradlab_pg_drop_test_db() {
  [ -n "${GRADLAB_TEST_PG_URL:-}" ] && [ -n "${GRADLAB_TEST_PG_BIN:-}" ] || return 0
  "$GRADLAB_TEST_PG_BIN/psql" -q "$GRADLAB_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS ${GRADLAB_TEST_PG_URL##*/} WITH (FORCE)" >/dev/null 2>&1 || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run, not sourced: print the exports for `eval`.
  set -euo pipefail
  _gradlab_pg
  echo "export GRADLAB_TEST_PG_URL=$GRADLAB_TEST_PG_URL GRADLAB_TEST_PG_ADMIN_URL=$GRADLAB_TEST_PG_ADMIN_URL GRADLAB_TEST_PG_BIN=$GRADLAB_TEST_PG_BIN"
else
  _gradlab_pg
fi
