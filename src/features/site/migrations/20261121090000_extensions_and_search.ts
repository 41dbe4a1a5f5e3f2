import type { Knex } from 'knex';

// A Greek text-search configuration that strips accents and diaeresis (unaccent) before
// the Greek Snowball stemmer, so "προυπολογισμος" matches "προϋπολογισμού".
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent');
  await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist');
  await knex.raw(
    'CREATE TEXT SEARCH CONFIGURATION public.greek_unaccent (COPY = pg_catalog.greek)',
  );
  await knex.raw(`ALTER TEXT SEARCH CONFIGURATION public.greek_unaccent
    ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart
    WITH unaccent, greek_stem`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TEXT SEARCH CONFIGURATION IF EXISTS public.greek_unaccent');
}
