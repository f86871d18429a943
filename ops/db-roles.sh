#!/usr/bin/env bash
# Applies ops/db-roles.sql (the production roles assetledger_owner and assetledger_app) to a
# database, in one transaction. Idempotent: run it once before the first `db-apply` and again
# after every `db-apply`. See docs/database-roles.md.
#
# Usage:
#   ops/db-roles.sh [CONNECTION]
#
# CONNECTION is an administrator's connection (a superuser, or a role that may create roles and
# is a member of the schema's owner) to the service's database, in any of these forms:
#   postgresql://admin@db.example:5432/assetledger          (libpq URI)
#   "host=db.example dbname=assetledger user=admin"          (libpq key/value)
#   "Host=db.example;Port=5432;Database=assetledger;Username=admin;Password=..."   (Npgsql, as the
#                                                             service's ConnectionStrings:AssetLedger)
# Without an argument it is read from ASSETLEDGER_ADMIN_CONNECTION; with neither, psql's own
# PG* environment variables (PGHOST, PGDATABASE, ...) decide.
#
# Environment:
#   ASSETLEDGER_ADMIN_CONNECTION   the connection, when no argument is given
#   ASSETLEDGER_OWNER_PASSWORD     if set, becomes assetledger_owner's password
#   ASSETLEDGER_APP_PASSWORD       if set, becomes assetledger_app's password
#   ASSETLEDGER_PG_BINDIR          directory holding psql (otherwise PATH, then /usr/lib/postgresql/*/bin)
# Passwords are read by psql from the environment (never on a command line) and sent as
# ALTER ROLE ... PASSWORD; the server hashes them (SCRAM). Do not run this with log_statement=all.
set -euo pipefail

die() {
    printf 'db-roles.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && usage
[[ $# -le 1 ]] || usage

here="$(cd "$(dirname "$0")" && pwd)"
sql="$here/db-roles.sql"
[[ -r "$sql" ]] || die "cannot read $sql"

find_psql() {
    local dir
    if [[ -n "${ASSETLEDGER_PG_BINDIR:-}" && -x "$ASSETLEDGER_PG_BINDIR/psql" ]]; then
        printf '%s\n' "$ASSETLEDGER_PG_BINDIR/psql"
        return 0
    fi
    if command -v psql >/dev/null 2>&1; then
        command -v psql
        return 0
    fi
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin/psql | sort -V -r | head -n 1)"
    if [[ -x "$dir" ]]; then
        printf '%s\n' "$dir"
        return 0
    fi
    return 1
}

psql_bin="$(find_psql)" || die "psql not found (install postgresql-client, or set ASSETLEDGER_PG_BINDIR)"

connection="${1:-${ASSETLEDGER_ADMIN_CONNECTION:-}}"

# An Npgsql connection string (Key=Value;Key=Value) becomes PG* variables for psql; a libpq URI
# or key/value string is passed to psql as it is.
conninfo=()
if [[ -n "$connection" ]]; then
    if [[ "$connection" == *"="*";"* || "$connection" == *";"*"="* ]] && [[ "$connection" != postgres*://* ]]; then
        IFS=';' read -r -a pairs <<<"$connection"
        for pair in "${pairs[@]}"; do
            [[ -z "${pair//[[:space:]]/}" ]] && continue
            [[ "$pair" == *"="* ]] || die "cannot read '$pair' in the connection string"
            key="${pair%%=*}"
            value="${pair#*=}"
            key="$(printf '%s' "$key" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
            value="$(printf '%s' "$value" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
            case "$key" in
                host | server) export PGHOST="$value" ;;
                port) export PGPORT="$value" ;;
                database | db) export PGDATABASE="$value" ;;
                username | user | userid | uid) export PGUSER="$value" ;;
                password | pwd | psw) export PGPASSWORD="$value" ;;
                sslmode)
                    PGSSLMODE="$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]')"
                    export PGSSLMODE
                    ;;
                timeout) export PGCONNECT_TIMEOUT="$value" ;;
                *) ;; # pooling, timeouts and the like mean nothing to psql
            esac
        done
    else
        conninfo=("$connection")
    fi
fi

# The roles and grants, then the passwords, in one transaction. The backticks are psql's: it reads
# each password from the environment itself, so none appears on a command line.
# shellcheck disable=SC2016
{
    cat "$sql"
    if [[ -n "${ASSETLEDGER_OWNER_PASSWORD:-}" ]]; then
        printf '%s\n' '\set owner_password `printenv ASSETLEDGER_OWNER_PASSWORD`'
        printf '%s\n' "ALTER ROLE assetledger_owner PASSWORD :'owner_password';"
    fi
    if [[ -n "${ASSETLEDGER_APP_PASSWORD:-}" ]]; then
        printf '%s\n' '\set app_password `printenv ASSETLEDGER_APP_PASSWORD`'
        printf '%s\n' "ALTER ROLE assetledger_app PASSWORD :'app_password';"
    fi
} | "$psql_bin" -X -q -v ON_ERROR_STOP=1 --single-transaction -f - ${conninfo[@]+"${conninfo[@]}"}

printf 'db-roles.sh: roles assetledger_owner and assetledger_app applied to %s\n' \
    "$("$psql_bin" -X -At -c 'select current_database()' ${conninfo[@]+"${conninfo[@]}"})" >&2
