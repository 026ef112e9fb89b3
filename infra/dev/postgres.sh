#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for tests, benchmarks and CI.
#   infra/dev/postgres.sh start [--fresh]|stop|status|url
# Installs the Debian `postgresql` package when no server binaries exist, runs its own cluster
# (never the system one) as the `postgres` user, and prints DATABASE_URL=... as the last line of
# `start`. The cluster trades durability for speed (fsync off): test data only. `start --fresh`
# stops the cluster and starts from an empty one: CI uses it, because a machine that is reused
# keeps /tmp, and the benchmarks leave millions of rows behind that slow every later run.
set -euo pipefail

PORT="${ANANSI_PG_PORT:-54329}"
DATA_DIR="${ANANSI_PG_DATA:-/tmp/anansi-pg-${PORT}}"
DB_NAME="${ANANSI_PG_DB:-anansi}"
URL="postgres://postgres@127.0.0.1:${PORT}/${DB_NAME}"

log() { printf '[postgres.sh] %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  if [[ -z "${dir}" ]]; then return 1; fi
  printf '%s\n' "${dir}"
}

# PostgreSQL refuses to run as root. $EUID (not `id -u`) because it comes from the kernel, and
# runuser by absolute path because root's PATH on some machines lacks the sbin folders.
as_postgres() {
  if [[ "${EUID}" != "0" ]]; then "$@"; return; fi
  local runuser
  runuser="$(command -v runuser || true)"
  for candidate in /usr/sbin/runuser /sbin/runuser; do
    if [[ -z "${runuser}" && -x "${candidate}" ]]; then runuser="${candidate}"; fi
  done
  if [[ -n "${runuser}" ]]; then
    "${runuser}" -u postgres -- "$@"
  else
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  fi
}

install_server() {
  if pg_bin >/dev/null; then return 0; fi
  if [[ "${EUID}" != "0" ]]; then
    log "no PostgreSQL server found; install the Debian package 'postgresql' (needs root)"
    exit 1
  fi
  log "installing PostgreSQL from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

is_ready() {
  local bin
  bin="$(pg_bin)" || return 1
  "${bin}/pg_isready" -q -h 127.0.0.1 -p "${PORT}"
}

# Removes the cluster of DATA_DIR, but only a directory that is one (PG_VERSION inside) or empty,
# so a mistyped ANANSI_PG_DATA never deletes someone's files.
wipe_cluster() {
  [[ -d "${DATA_DIR}" ]] || return 0
  if [[ ! -f "${DATA_DIR}/PG_VERSION" && -n "$(ls -A "${DATA_DIR}")" ]]; then
    log "--fresh: ${DATA_DIR} is not a PostgreSQL data directory; refusing to delete it"
    exit 2
  fi
  stop || log "--fresh: pg_ctl stop failed (stale pid file?); removing the directory anyway"
  rm -rf "${DATA_DIR}"
  log "--fresh: removed ${DATA_DIR}"
}

start() {
  install_server
  local bin
  bin="$(pg_bin)"
  if [[ "${1:-}" == "--fresh" ]]; then wipe_cluster; fi
  if is_ready; then
    log "already running on 127.0.0.1:${PORT}"
  else
    if [[ ! -f "${DATA_DIR}/PG_VERSION" ]]; then
      mkdir -p "${DATA_DIR}"
      if [[ "${EUID}" == "0" ]]; then chown postgres:postgres "${DATA_DIR}"; fi
      chmod 700 "${DATA_DIR}"
      as_postgres "${bin}/initdb" -D "${DATA_DIR}" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_postgres "${bin}/pg_ctl" -D "${DATA_DIR}" -l "${DATA_DIR}/server.log" -w -t 60 start \
      -o "-p ${PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
    log "started on 127.0.0.1:${PORT} (data ${DATA_DIR})"
  fi
  if ! "${bin}/psql" -h 127.0.0.1 -p "${PORT}" -U postgres -tAc "select 1 from pg_database where datname = '${DB_NAME}'" postgres | grep -q 1; then
    "${bin}/createdb" -h 127.0.0.1 -p "${PORT}" -U postgres "${DB_NAME}"
  fi
  printf 'DATABASE_URL=%s\n' "${URL}"
}

stop() {
  local bin
  bin="$(pg_bin)" || exit 0
  if [[ -f "${DATA_DIR}/postmaster.pid" ]]; then
    as_postgres "${bin}/pg_ctl" -D "${DATA_DIR}" -m fast -w stop >/dev/null
    log "stopped"
  fi
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) if is_ready; then echo "running on 127.0.0.1:${PORT}"; else echo "not running"; exit 3; fi ;;
  url) printf '%s\n' "${URL}" ;;
  *) echo "usage: $0 start [--fresh]|stop|status|url" >&2; exit 2 ;;
esac
