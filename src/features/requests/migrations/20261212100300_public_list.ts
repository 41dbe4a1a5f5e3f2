import type { Knex } from 'knex';

/**
 * The public list of known problems (/requests/public): its two halves, each behind a partial
 * index (open public requests by date; public ones closed, by when) that covers what picking a
 * page needs, so a page reads a few thousand index entries, however many requests there are. `request_street`: the street or area of
 * an address without its house number ("Ρούσου Κουντούρου 12, μπροστά στο περίπτερο" → "Ρούσου
 * Κουντούρου"), what the list shows, and filters on, for a category that hides the exact point.
 * (Each `\\?` is a regular expression's `?`: knex reads a bare one as a placeholder.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION public.request_street(address text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT nullif(btrim(regexp_replace(regexp_replace(split_part(address, ',', 1),
      '(^|\\s)((αρ|αριθ|no|νο)\\.\\?\\s*)\\?[0-9]+[A-Za-zΑ-Ωα-ω]\\?([-–/][0-9]+[A-Za-zΑ-Ωα-ω]\\?)*[.;:]\\?(\\?=\\s|$)',
      ' ', 'gi'), '\\s+', ' ', 'g'), ' .-–/'), '') $$`);
  // Covering: a page picks its requests (category and area filters included) from these alone.
  await knex.raw(`CREATE INDEX requests_public_open_idx ON requests (created_at DESC, id DESC)
    INCLUDE (category_id, address) WHERE public AND status NOT IN ('closed', 'merged')`);
  await knex.raw(`CREATE INDEX requests_public_closed_idx ON requests (closed_at)
    INCLUDE (created_at, id, category_id, address) WHERE public AND status = 'closed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS requests_public_closed_idx');
  await knex.raw('DROP INDEX IF EXISTS requests_public_open_idx');
  await knex.raw('DROP FUNCTION IF EXISTS public.request_street(text)');
}
