import type { Knex } from 'knex';

/**
 * Requests and complaints. A request filed by phone may have no title and no location until its
 * handler adds them. `merged_into`: a duplicate folded into its original.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE requests (
    id bigserial PRIMARY KEY,
    year integer NOT NULL,
    number integer NOT NULL,
    user_id integer REFERENCES users (id) ON DELETE SET NULL,
    category_id integer NOT NULL REFERENCES request_categories (id),
    department_id integer NOT NULL REFERENCES departments (id),
    kind text NOT NULL CHECK (kind IN ('request', 'complaint')),
    channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone', 'api', 'counter')),
    title text CHECK (length(title) BETWEEN 1 AND 120),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    address text CHECK (length(address) <= 200),
    lat double precision CHECK (lat BETWEEN -90 AND 90),
    lng double precision CHECK (lng BETWEEN -180 AND 180),
    status text NOT NULL DEFAULT 'submitted'
      CHECK (status IN ('submitted', 'assigned', 'in_progress', 'answered', 'closed', 'merged')),
    assignee_id integer REFERENCES users (id) ON DELETE SET NULL,
    merged_into bigint REFERENCES requests (id),
    due_date date NOT NULL,
    public boolean NOT NULL DEFAULT false,
    lang text NOT NULL DEFAULT 'el' CHECK (lang IN ('el', 'en')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    UNIQUE (year, number),
    CHECK ((lat IS NULL) = (lng IS NULL)),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
  )`);
  await knex.raw(
    'CREATE INDEX requests_queue_idx ON requests (department_id, status, created_at DESC)',
  );
  await knex.raw('CREATE INDEX requests_user_idx ON requests (user_id, created_at DESC)');
  await knex.raw(`CREATE INDEX requests_location_idx ON requests
    USING gist (ll_to_earth(lat, lng)) WHERE lat IS NOT NULL AND status NOT IN ('closed', 'merged')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE requests');
}
