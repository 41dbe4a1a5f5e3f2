import type { Knex } from 'knex';
import * as m0 from './20261121090000_extensions_and_search.ts';
import * as m1 from './20261121090100_sessions.ts';
import * as m2 from './20261121090200_decisions.ts';
import * as m3 from './20261121090300_benefits_and_health.ts';
import * as m4 from './20261121100000_content_notify.ts';
import * as m5 from './20261121110000_users.ts';
import * as m6 from './20261121120100_users_notify.ts';
import * as m7 from './20261121130000_back_office.ts';
import * as m8 from './20261122090000_sign_in_failures.ts';
import * as m9 from './20261122090100_users_drop_lock_columns.ts';
import * as m10 from './20261122090200_form_submissions.ts';
import * as credentialVersion from './20261201110000_users_credential_version.ts';
import * as resetTokensEnd from './20261201110100_reset_tokens_end_with_password.ts';
import * as registrationCancel from './20261201120000_registration_cancel.ts';
import * as identityDocumentHash from './20261201130000_identity_document_hash.ts';
import * as sessionsNotify from './20261201140000_sessions_notify.ts';

interface Migration {
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

/** Every migration, in order. Listed here (not read from disk) so tests, tsx and builds agree. */
export const migrations: Record<string, Migration> = {
  '20261121090000_extensions_and_search': m0,
  '20261121090100_sessions': m1,
  '20261121090200_decisions': m2,
  '20261121090300_benefits_and_health': m3,
  '20261121100000_content_notify': m4,
  '20261121110000_users': m5,
  '20261121120100_users_notify': m6,
  '20261121130000_back_office': m7,
  '20261122090000_sign_in_failures': m8,
  '20261122090100_users_drop_lock_columns': m9,
  '20261122090200_form_submissions': m10,
  '20261201110000_users_credential_version': credentialVersion,
  '20261201110100_reset_tokens_end_with_password': resetTokensEnd,
  '20261201120000_registration_cancel': registrationCancel,
  '20261201130000_identity_document_hash': identityDocumentHash,
  '20261201140000_sessions_notify': sessionsNotify,
};
