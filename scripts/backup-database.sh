#!/usr/bin/env bash
# Backs up the portal's database: one pg_dump archive in custom format (what
# scripts/restore-database.sh restores), written beside its final name and moved there only once
# pg_restore can read it back, so a file with the final name is a whole archive.
#
#   scripts/backup-database.sh OUTPUT_FILE [DATABASE_URL]
#
# DATABASE_URL defaults to the environment's. The documents (UPLOAD_DIR/documents) are files,
# not rows: copy them after the dump (docs/OPERATIONS.md says why in that order).
# Needs pg_dump and pg_restore of the server's major version or newer.
set -euo pipefail

fail() {
  echo "backup: $*" >&2
  exit 1
}

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  echo "usage: $0 OUTPUT_FILE [DATABASE_URL]" >&2
  exit 2
fi
output=$1
source_url=${2:-${DATABASE_URL:-}}
[ -n "$source_url" ] || fail "no database: give DATABASE_URL (the environment's or a second argument)"
for tool in pg_dump pg_restore; do
  command -v "$tool" >/dev/null || fail "$tool not found: install the PostgreSQL client tools"
done
[ -e "$output" ] && fail "$output exists already: name a new file"

partial="$output.partial"
trap 'rm -f "$partial"' EXIT
# Custom format: compressed, restorable table by table, read by pg_restore (never by psql).
pg_dump --format=custom --file="$partial" "$source_url" || fail "pg_dump failed (its message is above)"
listing=$(pg_restore --list "$partial") || fail "the archive cannot be read back"
grep -Eq ' TABLE public knex_migrations( |$)' <<<"$listing" ||
  fail "the database holds no knex_migrations table: is it the portal's?"
mv "$partial" "$output"
trap - EXIT

# TOC lines "215; 1259 16390 TABLE public users owner" (not TABLE DATA, nor TABLE ATTACH).
tables=$(awk '$4 == "TABLE" && ($5 == "public" || $5 == "pgboss")' <<<"$listing" | wc -l)
size=$(du -h "$output" | cut -f1)
echo "Backed up $((tables)) tables to $output ($size)."
