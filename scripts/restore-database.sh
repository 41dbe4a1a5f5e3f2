#!/usr/bin/env bash
# Restores a pg_dump archive (custom format: scripts/backup-database.sh, or pg_dump -Fc) of the
# portal's database into TARGET_DATABASE_URL, brings it up to the code's migrations
# (npm run migrate) and checks the result.
#
#   scripts/restore-database.sh [--force] DUMP_FILE TARGET_DATABASE_URL
#
# The target must hold no tables, unless --force: then the schemas the portal keeps everything in
# (public, pgboss) are dropped first. Either way the restore runs in one transaction: if any
# statement fails, the target is left as it was. No portal process may be connected to the target
# (stop them first). Run from a checkout of the portal (npm ci done) with the portal's
# environment (NODE_ENV, and in production SESSION_SECRET and SMTP_URL, which `npm run migrate`
# checks like every command); the target URL given here replaces DATABASE_URL for the migrations.
# Needs pg_restore and psql of the server's major version or newer. docs/OPERATIONS.md has more.
set -euo pipefail

fail() {
  echo "restore: $*" >&2
  exit 1
}
usage() {
  echo "usage: $0 [--force] DUMP_FILE TARGET_DATABASE_URL" >&2
  exit 2
}

force=false
positional=()
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help) usage ;;
    -*) echo "restore: unknown option $arg" >&2 && usage ;;
    *) positional+=("$arg") ;;
  esac
done
[ "${#positional[@]}" -eq 2 ] || usage
dump=${positional[0]}
target=${positional[1]}

for tool in pg_restore psql; do
  command -v "$tool" >/dev/null || fail "$tool not found: install the PostgreSQL client tools"
done
[ -r "$dump" ] || fail "cannot read $dump"
listing=$(pg_restore --list "$dump" 2>/dev/null) ||
  fail "$dump is not a pg_dump archive in custom format (pg_dump --format=custom)"
grep -Eq ' TABLE public knex_migrations( |$)' <<<"$listing" ||
  fail "$dump holds no knex_migrations table: not a dump of the portal's database"

# One statement's value, from the target (its URL, which may hold a password, is never printed).
query() {
  psql "$target" --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 -c "$1"
}
if ! database=$(query 'SELECT current_database()' 2>&1); then
  fail "cannot connect to the target: ${database%%$'\n'*}"
fi

# Tables of the target's own (an extension's are not its data).
tables_sql="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('information_schema') AND n.nspname !~ '^pg_'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
existing=$(query "$tables_sql")
if [ "$existing" -ne 0 ] && ! $force; then
  fail "the target database $database is not empty ($existing tables): restore into a new" \
    "empty database, or give --force to replace its schemas public and pgboss"
fi
# The portal's pools name themselves eservices, eservices-web, eservices-worker, …
connected=$(query "SELECT string_agg(DISTINCT application_name, ', ') FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'eservices%'")
[ -z "$connected" ] || fail "the portal is connected to $database ($connected): stop its processes first"

echo "Restoring $dump into $database…"
# pg_restore writes the archive as SQL, psql runs it with the drops (--force) in one transaction.
# Not --clean: it drops only what the archive holds, so tables a newer version added would stay
# and the migrations below would fail on them.
# The search path: pg_restore empties it, and earthdistance's ll_to_earth (in the expression of
# the requests' location index) names its type `earth` without a schema, so building that index
# fails ('type "earth" does not exist'). The archive's own statements name every schema; only
# such function bodies read the path, and the extensions live in public.
empty_path="SELECT pg_catalog.set_config('search_path', '', false);"
public_path="SELECT pg_catalog.set_config('search_path', 'public, pg_catalog', false);"
{
  if $force; then
    printf '%s\n' 'SET client_min_messages = warning;' 'DROP SCHEMA IF EXISTS pgboss CASCADE;' \
      'DROP SCHEMA IF EXISTS public CASCADE;' 'CREATE SCHEMA public;'
  fi
  pg_restore --no-owner --no-privileges --file=- "$dump" |
    awk -v from="$empty_path" -v to="$public_path" '$0 == from { print to; next } { print }'
} | psql "$target" --no-psqlrc --quiet --single-transaction -v ON_ERROR_STOP=1 >/dev/null ||
  fail "the restore failed (the message is above); the target was left as it was"

restored=$(query "$tables_sql AND n.nspname IN ('public', 'pgboss')")
# The archive's tables: its TOC lines "215; 1259 16390 TABLE public users owner" (not TABLE DATA
# nor TABLE ATTACH, a pg-boss queue's partition attached).
in_archive=$(awk '$4 == "TABLE" && ($5 == "public" || $5 == "pgboss")' <<<"$listing" | wc -l)
[ "$restored" -eq "$in_archive" ] ||
  fail "the archive has $in_archive tables, the target $restored after the restore"
echo "Restored $restored tables."

# The migrations the code has and the archive does not (a dump older than the code).
cd "$(dirname "$0")/.."
if [ -f src/db/migrate-cli.ts ]; then
  DATABASE_URL=$target npm run --silent migrate || fail "the migrations failed"
elif [ -f dist/src/db/migrate-cli.js ]; then
  DATABASE_URL=$target node dist/src/db/migrate-cli.js || fail "the migrations failed"
else
  fail "no migrate command here: run this script from the portal's folder"
fi

# What a person checks first: the migrations and the rows of the main tables.
[ "$(query 'SELECT is_locked FROM knex_migrations_lock')" = 0 ] ||
  fail "knex_migrations_lock is still locked"
migrations=$(query "SELECT count(*) || ' migrations, the latest ' || max(name) FROM knex_migrations")
echo "Migrations: $migrations."
counts=$(query "SELECT string_agg(table_name || ' ' || (xpath('/row/n/text()',
    query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text,
    ', ' ORDER BY table_name)
  FROM information_schema.tables
  WHERE table_schema = 'public'
    AND table_name IN ('users', 'session', 'audit_log', 'decisions', 'requests', 'certificates', 'debts')")
echo "Rows: $counts."
jobs=$(query "SELECT coalesce(string_agg(state || ' ' || n, ', ' ORDER BY state), 'none')
  FROM (SELECT state::text, count(*) AS n FROM pgboss.job GROUP BY state) AS by_state" 2>/dev/null ||
  echo 'no pgboss schema (the first start of the portal makes it)')
echo "Queued jobs (pgboss.job by state): $jobs."
if [ -n "${UPLOAD_DIR:-}" ] && [ -d "$UPLOAD_DIR/documents" ]; then
  files=$(find "$UPLOAD_DIR/documents" -maxdepth 1 -type f ! -name '*.part' | wc -l)
  echo "Documents in UPLOAD_DIR/documents: $files files (restore them from their own copy)."
fi
echo "Restore of $database done."
