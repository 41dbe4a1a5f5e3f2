import type { Knex } from 'knex';

/**
 * Payments the banks reported (by RF), as the financial system passes them on. Each is matched to
 * a debt, a fine or an instalment, or left for the finance office: an unknown RF, or one already
 * paid in full (a duplicate). Never dropped; idempotent by the bank's reference.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE payments (
    id bigserial PRIMARY KEY,
    bank_reference text NOT NULL UNIQUE,
    rf text NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    paid_at timestamptz NOT NULL,
    import_id int REFERENCES finance_imports(id) ON DELETE SET NULL,
    outcome text NOT NULL CHECK (outcome IN ('matched', 'unknown', 'duplicate')),
    debt_id bigint REFERENCES debts(id) ON DELETE SET NULL,
    fine_id bigint REFERENCES fines(id) ON DELETE SET NULL,
    instalment_id bigint REFERENCES arrangement_instalments(id) ON DELETE SET NULL,
    resolved_at timestamptz,
    resolved_by int REFERENCES users(id) ON DELETE SET NULL,
    resolution_note text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX payments_rf_idx ON payments (rf)');
  await knex.raw('CREATE INDEX payments_debt_idx ON payments (debt_id, paid_at)');
  await knex.raw('CREATE INDEX payments_fine_idx ON payments (fine_id)');
  await knex.raw('CREATE INDEX payments_instalment_idx ON payments (instalment_id)');
  await knex.raw(
    "CREATE INDEX payments_unresolved_idx ON payments (created_at) WHERE outcome <> 'matched' AND resolved_at IS NULL",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE payments');
}
