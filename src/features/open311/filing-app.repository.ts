import type { Conn } from '../../db/knex.ts';

/**
 * The name of the app (its API key's) that filed a request through Open311, for the handlers'
 * page ("Filed through FixMyStreet (Open311)"); undefined for a request filed otherwise.
 */
export async function findFilingApp(conn: Conn, requestId: number): Promise<string | undefined> {
  const row = (await conn('open311_reporters as o')
    .join('api_keys as k', 'k.id', 'o.api_key_id')
    .where('o.request_id', requestId)
    .first('k.app_name')) as { app_name: string } | undefined;
  return row?.app_name;
}
