import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Conn, Db } from '../../db/knex.ts';

export interface ApiKeyRow {
  id: number;
  app_name: string;
  key_prefix: string;
  scopes: string[];
  created_by: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = [
  'id',
  'app_name',
  'key_prefix',
  'scopes',
  'created_by',
  'created_at',
  'last_used_at',
  'revoked_at',
];
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
/** `<8 characters to find it>.<43 characters of secret>`: readable, copyable, and found by its prefix. */
const KEY = /^([a-z0-9]{8})\.([A-Za-z0-9_-]{43})$/;

/** A new key for an application: returned once, stored only as its hash. */
export async function createApiKey(
  conn: Conn,
  input: { appName: string; scopes: readonly string[]; createdBy: number },
): Promise<{ row: ApiKeyRow; key: string }> {
  const prefix = randomBytes(8)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const key = `${prefix}.${randomBytes(32).toString('base64url')}`;
  const [row] = (await conn('api_keys')
    .insert({
      app_name: input.appName,
      key_prefix: prefix,
      key_hash: hash(key),
      scopes: [...input.scopes],
      created_by: input.createdBy,
    })
    .returning(COLUMNS)) as ApiKeyRow[];
  return { row: row!, key };
}

/** The key's row if it is one of ours and not revoked (the hash compared in constant time). */
export async function findActiveKey(db: Db, key: string): Promise<ApiKeyRow | undefined> {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const row = (await db('api_keys')
    .where({ key_prefix: match[1] })
    .whereNull('revoked_at')
    .first([...COLUMNS, 'key_hash'])) as (ApiKeyRow & { key_hash: string }) | undefined;
  if (!row) return undefined;
  const given = Buffer.from(hash(key), 'hex');
  const stored = Buffer.from(row.key_hash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
  const { key_hash: _omitted, ...rest } = row;
  void _omitted;
  return rest;
}

/** Notes the use, at most once a minute per key (one write, not one per request). */
export async function touchApiKey(db: Db, id: number, now: Date): Promise<void> {
  await db('api_keys')
    .where({ id })
    .where((q) =>
      q.whereNull('last_used_at').orWhere('last_used_at', '<', new Date(now.getTime() - 60_000)),
    )
    .update({ last_used_at: now });
}

export async function listApiKeys(
  db: Db,
): Promise<(ApiKeyRow & { created_by_name: string | null })[]> {
  return (await db('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .orderBy([
      { column: 'api_keys.revoked_at', order: 'desc', nulls: 'first' },
      { column: 'api_keys.id', order: 'desc' },
    ])
    .select(COLUMNS.map((c) => `api_keys.${c}`))
    .select('users.full_name as created_by_name')) as (ApiKeyRow & {
    created_by_name: string | null;
  })[];
}

export async function findApiKey(db: Db, id: number): Promise<ApiKeyRow | undefined> {
  return (await db('api_keys').where({ id }).first(COLUMNS)) as ApiKeyRow | undefined;
}

/** Revokes a key; false when it was already revoked (or is not there). */
export async function revokeApiKey(conn: Conn, id: number, now: Date): Promise<boolean> {
  const changed = await conn('api_keys')
    .where({ id })
    .whereNull('revoked_at')
    .update({ revoked_at: now });
  return changed === 1;
}
