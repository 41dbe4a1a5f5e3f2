import type { Knex } from 'knex';

/**
 * The certificates every installation starts with (an admin may change them on
 * /staff/certificates/catalogue): inserted when missing, never overwritten.
 */
const TYPES = [
  {
    code: 'registration',
    template: 'registration',
    name_el: 'Πιστοποιητικό εγγραφής στο δημοτολόγιο',
    name_en: 'Certificate of registration in the municipal roll',
    description_el:
      'Βεβαιώνει ότι είστε εγγεγραμμένος/η στο δημοτολόγιο του Δήμου και σε ποια οικογενειακή μερίδα.',
    description_en:
      'States that you are registered in the municipal roll, and on which family record.',
    who: 'family',
    issue_mode: 'instant',
    deadline_days: 0,
    validity_months: 6,
    delivery_methods: ['email', 'post', 'pickup'],
    by_phone: true,
    position: 1,
  },
  {
    code: 'family_status',
    template: 'family_status',
    name_el: 'Πιστοποιητικό οικογενειακής κατάστασης',
    name_en: 'Certificate of family status',
    description_el:
      'Τα μέλη της οικογενειακής σας μερίδας και η σχέση τους. Χορηγείται μόνο σε μέλη της μερίδας.',
    description_en:
      'The members of your family record and how they are related. Given only to members of the record.',
    who: 'family',
    issue_mode: 'clerk',
    deadline_days: 3,
    validity_months: 6,
    delivery_methods: ['email', 'post', 'pickup'],
    by_phone: true,
    position: 2,
  },
  {
    code: 'next_of_kin',
    template: 'next_of_kin',
    name_el: 'Πιστοποιητικό εγγυτέρων συγγενών',
    name_en: 'Certificate of next of kin',
    description_el:
      'Οι εγγύτεροι συγγενείς ενός προσώπου της μερίδας σας (για κληρονομιά, συντάξεις).',
    description_en:
      'The next of kin of a person on your family record (for inheritance, pensions).',
    who: 'family',
    issue_mode: 'clerk',
    deadline_days: 10,
    validity_months: 6,
    delivery_methods: ['email', 'post', 'pickup'],
    by_phone: false,
    position: 3,
  },
  {
    code: 'residence',
    template: 'residence',
    name_el: 'Βεβαίωση μόνιμης κατοικίας',
    name_en: 'Certificate of permanent residence',
    description_el:
      'Βεβαιώνει τη διεύθυνση μόνιμης κατοικίας σας στον Δήμο, όπως την έχει η υπηρεσία.',
    description_en:
      'States your permanent address in the municipality, as the registry office holds it.',
    who: 'holder',
    issue_mode: 'clerk',
    deadline_days: 5,
    validity_months: 3,
    delivery_methods: ['email', 'post', 'pickup'],
    by_phone: true,
    position: 4,
  },
  {
    code: 'no_debt',
    template: 'no_debt',
    name_el: 'Βεβαίωση δημοτικής ενημερότητας',
    name_en: 'Certificate of no debt to the municipality',
    description_el:
      'Βεβαιώνει ότι δεν οφείλετε ληξιπρόθεσμα ποσά στον Δήμο. Εκδίδεται αμέσως, μόνο όταν δεν υπάρχει οφειλή.',
    description_en:
      'States that you owe the municipality nothing overdue. Issued at once, only when nothing is owed.',
    who: 'holder',
    issue_mode: 'instant',
    deadline_days: 0,
    validity_months: 1,
    delivery_methods: ['email', 'pickup'],
    by_phone: false,
    position: 5,
  },
] as const;

export async function seedCertificateTypes(db: Knex): Promise<void> {
  for (const type of TYPES)
    await db('certificate_types')
      .insert({ ...type, delivery_methods: [...type.delivery_methods] })
      .onConflict('code')
      .ignore();
}
