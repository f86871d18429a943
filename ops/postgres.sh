#!/usr/bin/env bash
# Local PostgreSQL for AssetLedger development and tests (no Docker needed).
#
# Usage:
#   ops/postgres.sh ensure-installed          install server binaries if missing; prints the bin dir
#   ops/postgres.sh start  <datadir> <port>   initdb (if needed) + start + create db "assetledger";
#                                             prints the connection string as the LAST line of stdout
#   ops/postgres.sh stop   <datadir>          fast shutdown if running
#   ops/postgres.sh status <datadir>          exit 0 = running, 3 = not running, 4 = no cluster
#
# All diagnostics go to stderr, so `cs=$(ops/postgres.sh start .data/pg 55439)` captures
# just the connection string, e.g. Host=127.0.0.1;Port=55439;Username=postgres;Database=assetledger
#
# The cluster is a throwaway dev/test cluster: it listens on 127.0.0.1 only, its unix socket
# lives in the data directory, and authentication is "trust" (no password) for local connections.
#
# When run as root, the server runs as the OS user "postgres" (created if missing) through
# `runuser`, because PostgreSQL refuses to run as root.
#
# Environment:
#   ASSETLEDGER_PG_BINDIR   use this directory for initdb/pg_ctl/psql instead of searching
#   ASSETLEDGER_PG_SETTINGS more postgresql.conf lines for `start` (one per line), e.g.
#                           shared_preload_libraries = 'pg_stat_statements' (ops/bench.sh --statements)
set -euo pipefail

readonly DB_NAME="assetledger"
readonly DB_SUPERUSER="postgres"
readonly PG_OS_USER="postgres"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
    printf 'postgres.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<'EOF'
usage: ops/postgres.sh ensure-installed
       ops/postgres.sh start  <datadir> <port>
       ops/postgres.sh stop   <datadir>
       ops/postgres.sh status <datadir>
EOF
    exit 2
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Prints the directory holding initdb and pg_ctl, or nothing (and returns 1) when none exists.
find_bindir() {
    local dir
    if [[ -n "${ASSETLEDGER_PG_BINDIR:-}" ]]; then
        if [[ -x "$ASSETLEDGER_PG_BINDIR/initdb" && -x "$ASSETLEDGER_PG_BINDIR/pg_ctl" ]]; then
            printf '%s\n' "$ASSETLEDGER_PG_BINDIR"
            return 0
        fi
        log "ASSETLEDGER_PG_BINDIR=$ASSETLEDGER_PG_BINDIR has no initdb/pg_ctl; ignoring it"
    fi
    # Debian/Ubuntu layout: /usr/lib/postgresql/<major>/bin, pick the newest major version.
    local candidates=()
    shopt -s nullglob
    candidates=(/usr/lib/postgresql/*/bin)
    shopt -u nullglob
    if ((${#candidates[@]} > 0)); then
        while IFS= read -r dir; do
            if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
                printf '%s\n' "$dir"
                return 0
            fi
        done < <(printf '%s\n' "${candidates[@]}" | sort -t/ -k5,5Vr)
    fi
    # Other layouts (e.g. RPM, source builds): ask pg_config. On Debian, pg_config comes from
    # libpq-dev and may point at a bin dir without server binaries, hence the check.
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    return 1
}

require_bindir() {
    local dir
    if ! dir="$(find_bindir)"; then
        die "PostgreSQL server binaries (initdb, pg_ctl) not found; run: ops/postgres.sh ensure-installed"
    fi
    printf '%s\n' "$dir"
}

cmd_ensure_installed() {
    local bindir
    if bindir="$(find_bindir)"; then
        log "PostgreSQL server binaries found"
        printf '%s\n' "$bindir"
        return 0
    fi

    local -a sudo=()
    if ! is_root; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            die "PostgreSQL server binaries are missing and installing them needs root, but you are not root and sudo is not available. Install the Debian package 'postgresql' as root (apt-get install postgresql) and re-run."
        fi
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "PostgreSQL server binaries are missing and apt-get is not available; install PostgreSQL (initdb, pg_ctl, psql) with your package manager, or set ASSETLEDGER_PG_BINDIR"

    # We never use the Debian "main" cluster (port 5432, /var/lib/postgresql/<v>/main); our
    # clusters have their own data dir and port. Tell postgresql-common not to create it, via its
    # documented drop-in directory, but only if nobody configured create_main_cluster already.
    local dropin_dir=/etc/postgresql-common/createcluster.d
    local dropin="$dropin_dir/50-assetledger-no-main-cluster.conf"
    if ! grep -qs '^[[:space:]]*create_main_cluster' /etc/postgresql-common/createcluster.conf "$dropin_dir"/*.conf; then
        log "configuring postgresql-common not to create the default 'main' cluster ($dropin)"
        "${sudo[@]}" mkdir -p "$dropin_dir"
        printf '%s\n' \
            "# Written by AssetLedger ops/postgres.sh: the project runs its own clusters (ops/postgres.sh start)," \
            "# so the Debian default cluster on port 5432 is not needed. Delete this file to get it back on" \
            "# the next installation of a postgresql-<version> package." \
            "create_main_cluster = false" |
            "${sudo[@]}" tee "$dropin" >/dev/null
    fi

    log "installing PostgreSQL server with apt-get (this can take a minute)"
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2

    bindir="$(find_bindir)" || die "apt-get install postgresql finished but initdb/pg_ctl are still not found"
    log "PostgreSQL server binaries installed"
    printf '%s\n' "$bindir"
}

# --- helpers for the cluster commands --------------------------------------------------------

DATADIR=""   # absolute data directory
RUN_AS=""    # OS user that owns/runs the cluster when we are root ("" = run as ourselves)

resolve_datadir() {
    [[ -n "$1" ]] || usage
    DATADIR="$(realpath -m -- "$1")"
    [[ "$DATADIR" != "/" ]] || die "refusing to use / as a data directory"
}

has_cluster() { [[ -f "$DATADIR/PG_VERSION" ]]; }

# Decide which OS user runs the server. Non-root: ourselves. Root: the owner of an existing
# cluster, or "postgres" for a new one (PostgreSQL and pg_ctl refuse to run as root).
# With "fix", a root-owned cluster is handed over to the postgres user.
choose_run_as() {
    local fix="${1:-}"
    RUN_AS=""
    is_root || return 0
    if has_cluster; then
        local owner
        owner="$(stat -c %U -- "$DATADIR")"
        if [[ "$owner" != "root" && "$owner" != "UNKNOWN" ]]; then
            RUN_AS="$owner"
            return 0
        fi
        if [[ "$fix" == "fix" ]]; then
            log "cluster in $DATADIR is owned by root; handing it to $PG_OS_USER"
            chown -R "$PG_OS_USER:" -- "$DATADIR"
        fi
    fi
    RUN_AS="$PG_OS_USER"
}

# Runs a command as the cluster user (from / so that an unreadable cwd, e.g. /root, is no problem).
# fd 9 (the data directory lock) is closed for the child so a started server does not inherit it.
as_pg() {
    if [[ -n "$RUN_AS" ]]; then
        (cd / && runuser -u "$RUN_AS" -- "$@" 9<&-)
    else
        "$@" 9<&-
    fi
}

ensure_pg_os_user() {
    if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        log "creating system user $PG_OS_USER"
        useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
            --shell /bin/bash --comment "PostgreSQL administrator" "$PG_OS_USER"
    fi
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is required to run PostgreSQL as $PG_OS_USER"
}

# Make every ancestor of the data directory searchable (x) by the cluster user.
ensure_parents_traversable() {
    local dir="$DATADIR"
    while [[ "$dir" != "/" ]]; do
        dir="$(dirname -- "$dir")"
        if ! runuser -u "$RUN_AS" -- test -x "$dir"; then
            if command -v setfacl >/dev/null 2>&1 && setfacl -m "u:$RUN_AS:x" -- "$dir" 2>/dev/null; then
                log "granted $RUN_AS search permission on $dir (ACL u:$RUN_AS:x)"
            else
                chmod o+x -- "$dir"
                log "made $dir traversable by others (chmod o+x) so $RUN_AS can reach the data directory"
            fi
        fi
    done
}

# Value quoting for postgresql.conf: single quotes, embedded quotes doubled.
conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# pg_ctl status: 0 = running, 3 = not running, 4 = no accessible data directory.
pg_status() {
    local bindir="$1" rc=0
    as_pg "$bindir/pg_ctl" status -D "$DATADIR" >/dev/null 2>&1 || rc=$?
    return "$rc"
}

running_port() {
    # postmaster.pid line 4 is the port the running server listens on.
    as_pg sed -n '4p' "$DATADIR/postmaster.pid" 2>/dev/null || true
}

acquire_lock() {
    # Serialize concurrent start/stop calls on the same data directory (lock on the dir itself).
    if command -v flock >/dev/null 2>&1; then
        exec 9<"$DATADIR"
        flock 9
    fi
}

cmd_start() {
    [[ $# -eq 2 ]] || usage
    resolve_datadir "$1"
    local port="$2"
    if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
        die "invalid port: $port"
    fi
    port=$((10#$port))

    local bindir
    bindir="$(require_bindir)"

    # The unix socket lives in the data directory; sun_path is limited to 107 bytes.
    local socket="$DATADIR/.s.PGSQL.$port"
    ((${#socket} <= 107)) || die "data directory path too long for a unix socket ($socket); use a shorter path"

    if is_root; then ensure_pg_os_user; fi

    mkdir -p -- "$DATADIR"
    acquire_lock
    choose_run_as fix

    if [[ -n "$RUN_AS" ]]; then
        if ! has_cluster; then
            chown "$RUN_AS:" -- "$DATADIR"
        fi
        chmod 700 -- "$DATADIR"
        ensure_parents_traversable
    fi

    if ! has_cluster; then
        if [[ -n "$(ls -A -- "$DATADIR")" ]]; then
            die "$DATADIR is not empty and contains no PostgreSQL cluster; refusing to initdb into it"
        fi
        log "initializing cluster in $DATADIR"
        as_pg "$bindir/initdb" -D "$DATADIR" -U "$DB_SUPERUSER" -E UTF8 --locale=C \
            --auth-local=trust --auth-host=trust >&2
        # Our settings live in a separate file so that it can be rewritten on every start.
        printf '\n# AssetLedger dev/test settings (rewritten by ops/postgres.sh start)\ninclude_if_exists = %s\n' \
            "'assetledger.conf'" | as_pg tee -a "$DATADIR/postgresql.conf" >/dev/null
    fi

    if pg_status "$bindir"; then
        local actual
        actual="$(running_port)"
        if [[ -n "$actual" && "$actual" != "$port" ]]; then
            log "server on $DATADIR is already running on port $actual (not $port); stop it first to change the port. Using port $actual"
            port="$actual"
        else
            log "server on $DATADIR is already running on port $port"
        fi
    else
        printf '%s\n' \
            "# Written by ops/postgres.sh start; do not edit (changes are overwritten)." \
            "listen_addresses = '127.0.0.1'" \
            "port = $port" \
            "unix_socket_directories = $(conf_quote "$DATADIR")" \
            "max_connections = 200" \
            "${ASSETLEDGER_PG_SETTINGS:-}" |
            as_pg tee "$DATADIR/assetledger.conf" >/dev/null
        log "starting server on 127.0.0.1:$port (log: $DATADIR/server.log)"
        if ! as_pg "$bindir/pg_ctl" -D "$DATADIR" -l "$DATADIR/server.log" -w -t 60 start >&2; then
            log "pg_ctl start failed; last lines of $DATADIR/server.log:"
            as_pg tail -n 30 "$DATADIR/server.log" >&2 || true
            exit 1
        fi
    fi

    local psql="$bindir/psql"
    [[ -x "$psql" ]] || psql="$(command -v psql)" || die "psql not found"
    local -a psql_cmd=("$psql" -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$DB_SUPERUSER" -d postgres -qtA)
    if [[ "$("${psql_cmd[@]}" -c "select 1 from pg_database where datname = '$DB_NAME'")" != "1" ]]; then
        log "creating database $DB_NAME"
        "${psql_cmd[@]}" -c "create database \"$DB_NAME\"" >&2
    fi

    printf 'Host=127.0.0.1;Port=%s;Username=%s;Database=%s\n' "$port" "$DB_SUPERUSER" "$DB_NAME"
}

cmd_stop() {
    [[ $# -eq 1 ]] || usage
    resolve_datadir "$1"
    if ! has_cluster; then
        log "no cluster in $DATADIR; nothing to stop"
        return 0
    fi
    local bindir
    bindir="$(require_bindir)"
    acquire_lock
    choose_run_as
    if pg_status "$bindir"; then
        log "stopping server on $DATADIR"
        as_pg "$bindir/pg_ctl" -D "$DATADIR" -m fast -w -t 60 stop >&2
    else
        log "server on $DATADIR is not running"
    fi
}

cmd_status() {
    [[ $# -eq 1 ]] || usage
    resolve_datadir "$1"
    if ! has_cluster; then
        echo "no cluster in $DATADIR"
        return 4
    fi
    local bindir
    bindir="$(require_bindir)"
    choose_run_as
    if pg_status "$bindir"; then
        echo "running: $DATADIR on 127.0.0.1:$(running_port)"
        return 0
    fi
    echo "stopped: $DATADIR"
    return 3
}

main() {
    [[ $# -ge 1 ]] || usage
    local cmd="$1"
    shift
    case "$cmd" in
        ensure-installed) [[ $# -eq 0 ]] || usage; cmd_ensure_installed ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        -h | --help | help) usage ;;
        *) usage ;;
    esac
}

main "$@"
