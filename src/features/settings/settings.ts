import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { SettingDefinition } from '../module.ts';
import { settingsOf } from '../registry.ts';

/**
 * Settings staff change in the back office: each declared by its module (`settings` in the
 * manifest) with a default from the config; a changed value lives in the `settings` table, read
 * through the content cache (emptied by NOTIFY when a setting changes).
 */
export function definitionOf(deps: Pick<Deps, 'modules'>, key: string): SettingDefinition {
  const found = settingsOf(deps.modules).find(({ setting }) => setting.key === key);
  if (!found) throw new Error(`No module declares the setting ${key}`);
  return found.setting;
}

/** The setting's value now: the one staff saved, or the default. */
export async function readSetting(
  deps: Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>,
  key: string,
): Promise<number> {
  const definition = definitionOf(deps, key);
  const saved = await deps.contentCache.get(`setting:${key}`, async () => {
    const row = (await deps.db('settings').where({ key }).first('value')) as
      { value: unknown } | undefined;
    return row ? row.value : null;
  });
  return typeof saved === 'number' &&
    Number.isInteger(saved) &&
    saved >= definition.min &&
    saved <= definition.max
    ? saved
    : definition.default(deps.config);
}

/** Saves the values that changed (each already checked against its bounds), one audit entry each. */
export async function saveSettings(
  deps: Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>,
  conn: Conn,
  values: Record<string, number>,
  actorId: number,
  context: AuditContext,
): Promise<string[]> {
  const changed: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const before = await readSetting(deps, key);
    if (before === value) continue;
    await conn('settings')
      .insert({ key, value: JSON.stringify(value), updated_by: actorId, updated_at: conn.fn.now() })
      .onConflict('key')
      .merge();
    await recordAudit(
      conn,
      { action: 'setting.changed', actorId, details: { key, before, after: value } },
      context,
    );
    changed.push(key);
  }
  // This process need not wait for its own notification.
  if (changed.length) deps.contentCache.invalidate();
  return changed;
}

/** `saveSettings` in a transaction of its own: the changed keys. */
export async function changeSettings(
  deps: Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>,
  values: Record<string, number>,
  actorId: number,
  context: AuditContext,
): Promise<string[]> {
  return deps.db.transaction((trx) => saveSettings(deps, trx, values, actorId, context));
}
