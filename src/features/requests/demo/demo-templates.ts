import type { Knex } from 'knex';

type Template = [category: string | null, titleEl: string, titleEn: string, el: string, en: string];

const TEMPLATES: Template[] = [
  [
    null,
    'Ολοκληρώθηκε',
    'Done',
    'Σας ευχαριστούμε για την αναφορά σας. Το συνεργείο του Δήμου αποκατέστησε το πρόβλημα. Αν το δείτε ξανά, μπορείτε να ανοίξετε ξανά το αίτημα μέσα σε 30 ημέρες.',
    'Thank you for your report. The municipality’s crew has fixed the problem. If you see it again, you can reopen the request within 30 days.',
  ],
  [
    null,
    'Προγραμματίστηκε',
    'Scheduled',
    'Σας ευχαριστούμε για την αναφορά σας. Η εργασία έχει προγραμματιστεί και θα γίνει τις επόμενες ημέρες· θα ενημερωθείτε μόλις ολοκληρωθεί.',
    'Thank you for your report. The work has been scheduled for the coming days; you will hear from us when it is done.',
  ],
  [
    null,
    'Δεν είναι αρμοδιότητα του Δήμου',
    'Not the municipality’s responsibility',
    'Το θέμα που αναφέρετε δεν ανήκει στις αρμοδιότητες του Δήμου. Διαβιβάσαμε την αναφορά σας στην αρμόδια υπηρεσία.',
    'The matter you report is not the municipality’s responsibility. We have passed your report on to the authority in charge.',
  ],
  [
    'pothole',
    'Λακκούβα: προσωρινή σήμανση',
    'Pothole: temporary signs',
    'Τοποθετήθηκε προσωρινή σήμανση στο σημείο. Η οριστική επισκευή του οδοστρώματος θα γίνει με το επόμενο πρόγραμμα ασφαλτόστρωσης.',
    'Temporary signs have been placed at the spot. The road will be resurfaced in the next paving programme.',
  ],
  [
    'light-out',
    'Λάμπα: αντικαταστάθηκε',
    'Street light: replaced',
    'Ο λαμπτήρας αντικαταστάθηκε και ο φωτισμός λειτουργεί κανονικά.',
    'The lamp has been replaced and the light works again.',
  ],
];

/** A few reply templates (general and per category) for the demo handler; only into an empty table. */
export async function seedDemoTemplates(db: Knex): Promise<void> {
  if (await db('request_reply_templates').first('id')) return;
  const categories = new Map(
    ((await db('request_categories').select('id', 'slug')) as { id: number; slug: string }[]).map(
      (c) => [c.slug, c.id],
    ),
  );
  const rows = TEMPLATES.filter(([slug]) => slug === null || categories.has(slug)).map(
    ([slug, titleEl, titleEn, el, en], position) => ({
      category_id: slug === null ? null : categories.get(slug),
      title_el: titleEl,
      title_en: titleEn,
      body_el: el,
      body_en: en,
      position,
    }),
  );
  await db('request_reply_templates').insert(rows);
}
