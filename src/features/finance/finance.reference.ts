import type { Knex } from 'knex';

/** The kinds of municipal debt the financial system sends, by code, with their names. */
const DEBT_TYPES = [
  ['TAP', 'Τέλος Ακίνητης Περιουσίας (ΤΑΠ)', 'Property fee (ΤΑΠ)'],
  ['CLEANING_LIGHTING', 'Τέλη καθαριότητας και φωτισμού', 'Cleaning and lighting fees'],
  ['PAVEMENT', 'Τέλος χρήσης κοινόχρηστου χώρου', 'Use of public space (pavement)'],
  ['KIOSK', 'Μίσθωμα περιπτέρου', 'Kiosk rent'],
  ['WATER', 'Ύδρευση και αποχέτευση', 'Water and sewerage'],
  ['MARKET', 'Τέλος λαϊκής αγοράς', 'Street market fee'],
  ['OTHER', 'Λοιπές οφειλές', 'Other dues'],
] as const;

/**
 * Debt types (kept up to date at each start) and, on a new installation only, the traffic-code
 * rules to start from: the reduction for early payment (50 % within 10 days) that the new ΚΟΚ
 * (Law 5209/2025) abolished, and the rule after it. The finance office edits the rules
 * (/staff/finance/rules); these are a starting point, not legal advice.
 */
export async function seedFinanceReferenceData(db: Knex): Promise<void> {
  for (const [position, [code, nameEl, nameEn]] of DEBT_TYPES.entries())
    await db.raw(
      `INSERT INTO debt_types (code, name_el, name_en, position) VALUES (?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET name_el = EXCLUDED.name_el, name_en = EXCLUDED.name_en,
         position = EXCLUDED.position`,
      [code, nameEl, nameEn, position],
    );
  await db.raw(`INSERT INTO fine_rules (effective_from, reduction_percent, reduction_days, objection_days, note)
    SELECT * FROM (VALUES
      ('2018-01-01'::date, 50, 10, 60, 'Μείωση 50% για εξόφληση εντός 10 ημερών.'),
      ('2025-07-01'::date, 0, 0, 60, 'Νέος ΚΟΚ (ν. 5209/2025): χωρίς μείωση για έγκαιρη εξόφληση.')
    ) AS rules(effective_from, reduction_percent, reduction_days, objection_days, note)
    WHERE NOT EXISTS (SELECT 1 FROM fine_rules)`);
}
