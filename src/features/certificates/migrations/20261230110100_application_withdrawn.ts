import type { Knex } from 'knex';

const STATUSES = `'submitted', 'in_progress', 'issued', 'rejected'`;
const KINDS = `'submitted', 'in_progress', 'issued', 'rejected', 'emailed', 'posted',
  'ready_for_pickup', 'handed_over', 'revoked'`;

/**
 * An applicant's account deleted (/account/delete): their pending applications are withdrawn
 * (a status and a timeline entry of their own), and every application of theirs loses its link
 * to the account and their contact details (`applicant_erased_at` says when). One that was not
 * issued also loses whom it was about; an issued one keeps that, as its certificate does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE certificate_applications
    ADD COLUMN applicant_erased_at timestamptz,
    DROP CONSTRAINT certificate_applications_status_check,
    ADD CONSTRAINT certificate_applications_status_check
      CHECK (status IN (${STATUSES}, 'withdrawn')),
    DROP CONSTRAINT certificate_applications_check,
    ADD CONSTRAINT certificate_applications_check
      CHECK (delivery <> 'post' OR coalesce(post_address, '') <> '' OR applicant_erased_at IS NOT NULL),
    DROP CONSTRAINT certificate_applications_check2,
    ADD CONSTRAINT certificate_applications_check2
      CHECK (subject_person_id IS NOT NULL OR subject_afm IS NOT NULL OR applicant_erased_at IS NOT NULL)`);
  await knex.raw(`ALTER TABLE certificate_events DROP CONSTRAINT certificate_events_kind_check,
    ADD CONSTRAINT certificate_events_kind_check CHECK (kind IN (${KINDS}, 'withdrawn'))`);
}

export async function down(knex: Knex): Promise<void> {
  // Kept as what came closest: a rejected application, and a rejection in its timeline.
  await knex.raw("UPDATE certificate_events SET kind = 'rejected' WHERE kind = 'withdrawn'");
  await knex.raw(`ALTER TABLE certificate_events DROP CONSTRAINT certificate_events_kind_check,
    ADD CONSTRAINT certificate_events_kind_check CHECK (kind IN (${KINDS}))`);
  await knex.raw(`UPDATE certificate_applications SET status = 'rejected',
    rejection_reason = coalesce(rejection_reason, 'withdrawn') WHERE status = 'withdrawn'`);
  await knex.raw(`UPDATE certificate_applications SET post_address = '-'
    WHERE delivery = 'post' AND coalesce(post_address, '') = ''`);
  await knex.raw(`DELETE FROM certificate_events WHERE application_id IN (
    SELECT id FROM certificate_applications
    WHERE subject_person_id IS NULL AND subject_afm IS NULL)`);
  await knex.raw(`DELETE FROM certificate_applications
    WHERE subject_person_id IS NULL AND subject_afm IS NULL
      AND id NOT IN (SELECT application_id FROM certificates)`);
  await knex.raw(`ALTER TABLE certificate_applications
    DROP CONSTRAINT certificate_applications_status_check,
    ADD CONSTRAINT certificate_applications_status_check CHECK (status IN (${STATUSES})),
    DROP CONSTRAINT certificate_applications_check,
    ADD CONSTRAINT certificate_applications_check
      CHECK (delivery <> 'post' OR coalesce(post_address, '') <> ''),
    DROP CONSTRAINT certificate_applications_check2,
    ADD CONSTRAINT certificate_applications_check2
      CHECK (subject_person_id IS NOT NULL OR subject_afm IS NOT NULL),
    DROP COLUMN applicant_erased_at`);
}
