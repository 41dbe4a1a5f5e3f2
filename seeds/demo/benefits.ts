import type { DemoBenefitCategory, DemoBenefit } from './types.ts';

export const benefitCategories: DemoBenefitCategory[] = [
  {
    slug: 'koinonika-programmata',
    name: {
      el: 'Κοινωνικά προγράμματα και οικονομική ενίσχυση',
      en: 'Social programmes and financial support',
    },
  },
  {
    slug: 'stegasi',
    name: { el: 'Στέγαση', en: 'Housing' },
  },
  {
    slug: 'oikogeneia-kai-paidi',
    name: { el: 'Οικογένεια και παιδί', en: 'Families and children' },
  },
  {
    slug: 'anapiria-kai-triti-ilikia',
    name: {
      el: 'Άτομα με αναπηρία και τρίτη ηλικία',
      en: 'People with disabilities and older people',
    },
  },
];

export const benefits: DemoBenefit[] = [
  {
    slug: 'elachisto-engyimeno-eisodima',
    category: 'koinonika-programmata',
    title: {
      el: 'Ελάχιστο Εγγυημένο Εισόδημα (πρώην ΚΕΑ)',
      en: 'Guaranteed Minimum Income (formerly KEA)',
    },
    summary: {
      el:
        'Προνοιακό πρόγραμμα εισοδηματικής ενίσχυσης για νοικοκυριά που ζουν σε συνθήκες ακραίας ' +
        'φτώχειας. Η Κοινωνική Υπηρεσία σάς βοηθά να υποβάλετε την αίτηση και σας συνδέει με ' +
        'υπηρεσίες κοινωνικής ένταξης και απασχόλησης.',
      en:
        'A welfare income-support programme for households living in extreme poverty. The Social ' +
        'Services Department helps you submit your application and connects you with social ' +
        'inclusion and employment services.',
    },
    eligibility_md: {
      el:
        'Δικαιούχοι είναι νοικοκυριά (μονοπρόσωπα ή πολυπρόσωπα) και άστεγοι που διαμένουν ' +
        'νόμιμα και μόνιμα στην Ελλάδα και πληρούν τα **εισοδηματικά και περιουσιακά κριτήρια** ' +
        'του προγράμματος, όπως ορίζονται στην ισχύουσα Κοινή Υπουργική Απόφαση.\n\n' +
        'Το ποσό της ενίσχυσης εξαρτάται από τη σύνθεση του νοικοκυριού και από τα εισοδήματα ' +
        'του τελευταίου εξαμήνου.',
      en:
        'Eligible are households (single-person or multi-person) and homeless people who reside ' +
        'legally and permanently in Greece and meet the **income and asset criteria** of the ' +
        'programme, as set out in the Joint Ministerial Decision in force.\n\n' +
        'The amount of support depends on the composition of the household and on its income ' +
        'over the last six months.',
    },
    documents_md: {
      el:
        '- Αστυνομική ταυτότητα ή άδεια διαμονής όλων των ενήλικων μελών\n' +
        '- ΑΜΚΑ και ΑΦΜ όλων των μελών του νοικοκυριού\n' +
        '- Κωδικοί TAXISnet του αιτούντος\n' +
        '- Έντυπο συναίνεσης υπογεγραμμένο από όλα τα ενήλικα μέλη, με θεώρηση του γνησίου της υπογραφής\n' +
        '- IBAN τραπεζικού λογαριασμού με δικαιούχο ή συνδικαιούχο τον αιτούντα\n' +
        '- Ηλεκτρονικό μισθωτήριο ή λογαριασμός ρεύματος ή νερού για την απόδειξη κατοικίας\n' +
        '- Για άστεγους: βεβαίωση της Κοινωνικής Υπηρεσίας του Δήμου ή της δομής φιλοξενίας',
      en:
        '- Police identity card or residence permit of all adult members\n' +
        '- AMKA (social security number) and AFM (tax number) of all household members\n' +
        '- TAXISnet credentials of the applicant\n' +
        '- Consent form signed by all adult members, with certified signatures\n' +
        '- IBAN of a bank account held by the applicant, alone or jointly\n' +
        '- Electronic lease or electricity or water bill as proof of residence\n' +
        '- For homeless people: certificate from the Municipal Social Services or the shelter',
    },
    how_to_apply_md: {
      el:
        'Η αίτηση υποβάλλεται ηλεκτρονικά στην πλατφόρμα [keaprogram.gr](https://www.keaprogram.gr/) ' +
        'με τους κωδικούς TAXISnet. Αν χρειάζεστε βοήθεια, κλείστε ραντεβού στην Κοινωνική ' +
        'Υπηρεσία ή στο Κέντρο Κοινότητας του Δήμου και ένας κοινωνικός λειτουργός θα υποβάλει ' +
        'την αίτηση μαζί σας.\n\n' +
        'Σε ορισμένες περιπτώσεις, όπως όταν στο νοικοκυριό υπάρχουν φιλοξενούμενα μέλη, η αίτηση ' +
        'υποβάλλεται **μόνο** μέσω του Δήμου ή του Κέντρου Κοινότητας.',
      en:
        'The application is submitted online on the [keaprogram.gr](https://www.keaprogram.gr/) ' +
        'platform using your TAXISnet credentials. If you need help, book an appointment with the ' +
        'Social Services Department or the Municipal Community Centre and a social worker will ' +
        'submit the application with you.\n\n' +
        'In some cases, for example when the household includes hosted members, the application ' +
        'can be submitted **only** through the Municipality or the Community Centre.',
    },
    deadlines_md: {
      el:
        'Οι αιτήσεις υποβάλλονται **όλο το έτος**. Η ενίσχυση χορηγείται για έξι μήνες· για να ' +
        'συνεχιστεί η καταβολή, η αίτηση πρέπει να **επανυποβάλλεται κάθε εξάμηνο**, πριν από τη ' +
        'λήξη της προηγούμενης.',
      en:
        'Applications are accepted **all year round**. Support is granted for six months; for ' +
        'payments to continue, the application must be **resubmitted every six months**, before ' +
        'the previous one expires.',
    },
    contact_md: {
      el:
        '**Κοινωνική Υπηρεσία – Κέντρο Κοινότητας Δήμου**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40310\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30',
      en:
        '**Social Services – Municipal Community Centre**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40310\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30',
    },
    links: [
      {
        label: {
          el: 'Πλατφόρμα αιτήσεων Ελάχιστου Εγγυημένου Εισοδήματος',
          en: 'Guaranteed Minimum Income application platform',
        },
        url: 'https://www.keaprogram.gr/',
      },
      {
        label: {
          el: 'ΟΠΕΚΑ – Οργανισμός Προνοιακών Επιδομάτων και Κοινωνικής Αλληλεγγύης',
          en: 'OPEKA – Organisation for Welfare Benefits and Social Solidarity',
        },
        url: 'https://opeka.gr/',
      },
    ],
  },
  {
    slug: 'epidoma-stegasis',
    category: 'stegasi',
    title: {
      el: 'Επίδομα Στέγασης (ενοικίου)',
      en: 'Housing Allowance (rent support)',
    },
    summary: {
      el:
        'Μηνιαία ενίσχυση του ΟΠΕΚΑ για νοικοκυριά που μένουν σε ενοίκιο στην κύρια κατοικία ' +
        'τους. Η Κοινωνική Υπηρεσία παρέχει ενημέρωση και βοήθεια στην υποβολή της αίτησης.',
      en:
        'Monthly support from OPEKA for households that rent their main residence. The Social ' +
        'Services Department provides information and help with submitting the application.',
    },
    eligibility_md: {
      el:
        'Δικαιούχοι είναι νοικοκυριά που:\n\n' +
        '- μισθώνουν την κύρια κατοικία τους με **ηλεκτρονικό μισθωτήριο** δηλωμένο στην ΑΑΔΕ\n' +
        '- διαμένουν νόμιμα και μόνιμα στην Ελλάδα τα τελευταία πέντε χρόνια\n' +
        '- πληρούν τα εισοδηματικά και περιουσιακά κριτήρια του προγράμματος\n\n' +
        'Κανένα μέλος του νοικοκυριού δεν πρέπει να έχει στην κυριότητά του κατοικία που καλύπτει ' +
        'τις στεγαστικές ανάγκες της οικογένειας.',
      en:
        'Eligible are households that:\n\n' +
        '- rent their main residence under an **electronic lease** declared to AADE (the tax ' +
        'authority)\n' +
        '- have resided legally and permanently in Greece for the last five years\n' +
        '- meet the income and asset criteria of the programme\n\n' +
        'No member of the household may own a home that covers the housing needs of the family.',
    },
    documents_md: {
      el:
        '- Αστυνομική ταυτότητα ή άδεια διαμονής\n' +
        '- Κωδικοί TAXISnet του αιτούντος\n' +
        '- ΑΜΚΑ και ΑΦΜ όλων των μελών του νοικοκυριού\n' +
        '- Αριθμός ηλεκτρονικού μισθωτηρίου\n' +
        '- IBAN τραπεζικού λογαριασμού με δικαιούχο τον αιτούντα',
      en:
        '- Police identity card or residence permit\n' +
        '- TAXISnet credentials of the applicant\n' +
        '- AMKA and AFM of all household members\n' +
        '- Electronic lease number\n' +
        '- IBAN of a bank account held by the applicant',
    },
    how_to_apply_md: {
      el:
        'Η αίτηση υποβάλλεται ηλεκτρονικά στην πλατφόρμα ' +
        '[epidomastegasis.gr](https://www.epidomastegasis.gr/) με τους κωδικούς TAXISnet. Τα ' +
        'περισσότερα στοιχεία (εισοδήματα, ακίνητη περιουσία, μισθωτήριο) αντλούνται αυτόματα από ' +
        'τα πληροφοριακά συστήματα της ΑΑΔΕ.\n\n' +
        'Αν δεν μπορείτε να κάνετε μόνοι σας την αίτηση, η Κοινωνική Υπηρεσία ή το ΚΕΠ του Δήμου ' +
        'μπορεί να τη συμπληρώσει μαζί σας.',
      en:
        'The application is submitted online on the ' +
        '[epidomastegasis.gr](https://www.epidomastegasis.gr/) platform using your TAXISnet ' +
        'credentials. Most of the data (income, real estate, lease) is retrieved automatically ' +
        'from the information systems of AADE.\n\n' +
        'If you cannot apply on your own, the Social Services Department or the Citizen Service ' +
        'Centre (KEP) of the Municipality can fill it in with you.',
    },
    deadlines_md: {
      el:
        'Η αίτηση υποβάλλεται **οποιαδήποτε στιγμή του έτους** και το επίδομα καταβάλλεται από ' +
        'τον επόμενο μήνα. Σε κάθε αλλαγή (νέο μισθωτήριο, μετακόμιση, αλλαγή στη σύνθεση του ' +
        'νοικοκυριού) πρέπει να υποβάλετε **τροποποιητική αίτηση**.',
      en:
        'The application can be submitted **at any time of the year** and the allowance is paid ' +
        'from the following month. After any change (new lease, move, change in the composition ' +
        'of the household) you must submit an **amended application**.',
    },
    contact_md: {
      el:
        '**Κοινωνική Υπηρεσία Δήμου**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40312\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30',
      en:
        '**Municipal Social Services**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40312\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30',
    },
    links: [
      {
        label: {
          el: 'Πλατφόρμα αιτήσεων Επιδόματος Στέγασης',
          en: 'Housing Allowance application platform',
        },
        url: 'https://www.epidomastegasis.gr/',
      },
      {
        label: {
          el: 'ΟΠΕΚΑ – Οργανισμός Προνοιακών Επιδομάτων και Κοινωνικής Αλληλεγγύης',
          en: 'OPEKA – Organisation for Welfare Benefits and Social Solidarity',
        },
        url: 'https://opeka.gr/',
      },
    ],
  },
  {
    slug: 'koinoniko-pantopoleio',
    category: 'koinonika-programmata',
    title: {
      el: 'Κοινωνικό Παντοπωλείο',
      en: 'Social Grocery',
    },
    summary: {
      el:
        'Δωρεάν διάθεση τροφίμων και ειδών πρώτης ανάγκης σε οικογένειες και άτομα με χαμηλό ' +
        'εισόδημα που κατοικούν στον Δήμο.',
      en:
        'Free food and basic necessities for low-income families and individuals living in the ' +
        'Municipality.',
    },
    eligibility_md: {
      el:
        'Μπορούν να εγγραφούν μόνιμοι κάτοικοι του Δήμου που αντιμετωπίζουν σοβαρές οικονομικές ' +
        'δυσκολίες. Προτεραιότητα δίνεται σε:\n\n' +
        '- δικαιούχους του Ελάχιστου Εγγυημένου Εισοδήματος\n' +
        '- μακροχρόνια ανέργους\n' +
        '- μονογονεϊκές και πολύτεκνες οικογένειες\n' +
        '- άτομα με αναπηρία και ηλικιωμένους που ζουν μόνοι\n\n' +
        'Η ένταξη γίνεται μετά από αξιολόγηση από κοινωνικό λειτουργό, με βάση τα κριτήρια του ' +
        'Κανονισμού Λειτουργίας που έχει εγκρίνει το Δημοτικό Συμβούλιο.',
      en:
        'Permanent residents of the Municipality facing serious financial hardship can register. ' +
        'Priority is given to:\n\n' +
        '- recipients of the Guaranteed Minimum Income\n' +
        '- long-term unemployed people\n' +
        '- single-parent and large families\n' +
        '- people with disabilities and older people living alone\n\n' +
        'Admission follows an assessment by a social worker, based on the criteria of the ' +
        'Operating Regulation approved by the Municipal Council.',
    },
    documents_md: {
      el:
        '- Αίτηση (διατίθεται στην Κοινωνική Υπηρεσία)\n' +
        '- Αστυνομική ταυτότητα ή άδεια διαμονής\n' +
        '- Εκκαθαριστικό σημείωμα και έντυπο Ε1 του τελευταίου φορολογικού έτους\n' +
        '- Έντυπο Ε9 ή εκκαθαριστικό ΕΝΦΙΑ\n' +
        '- Πιστοποιητικό οικογενειακής κατάστασης, έκδοσης τελευταίου τριμήνου\n' +
        '- Βεβαίωση ανεργίας της ΔΥΠΑ, εφόσον υπάρχει\n' +
        '- Πρόσφατος λογαριασμός ρεύματος ή νερού για την απόδειξη κατοικίας\n' +
        '- Απόφαση ΚΕΠΑ, εφόσον κάποιο μέλος έχει αναπηρία',
      en:
        '- Application form (available at the Social Services Department)\n' +
        '- Police identity card or residence permit\n' +
        '- Tax assessment notice and E1 tax return for the last tax year\n' +
        '- E9 property form or ENFIA property tax notice\n' +
        '- Family status certificate issued within the last three months\n' +
        '- Unemployment certificate from DYPA (Public Employment Service), if applicable\n' +
        '- Recent electricity or water bill as proof of residence\n' +
        '- KEPA disability certificate, if a household member has a disability',
    },
    how_to_apply_md: {
      el:
        'Κλείστε ραντεβού τηλεφωνικά με την Κοινωνική Υπηρεσία και προσκομίστε τα ' +
        'δικαιολογητικά. Μετά την αξιολόγηση, θα λάβετε **κάρτα ωφελούμενου**, με την οποία ' +
        'παραλαμβάνετε τα είδη στις ημέρες διανομής.\n\n' +
        'Η διανομή γίνεται στο Κοινωνικό Παντοπωλείο κάθε Τρίτη και Πέμπτη, 09:00–13:00.',
      en:
        'Book an appointment with the Social Services Department by phone and bring the ' +
        'required documents. After the assessment you will receive a **beneficiary card**, which ' +
        'you use to collect goods on distribution days.\n\n' +
        'Distribution takes place at the Social Grocery every Tuesday and Thursday, 09:00–13:00.',
    },
    deadlines_md: {
      el:
        'Οι αιτήσεις υποβάλλονται **όλο το έτος**. Η ένταξη ισχύει για 12 μήνες και ανανεώνεται ' +
        'με την προσκόμιση επικαιροποιημένων δικαιολογητικών.',
      en:
        'Applications are accepted **all year round**. Membership is valid for 12 months and is ' +
        'renewed by submitting updated documents.',
    },
    contact_md: {
      el:
        '**Κοινωνικό Παντοπωλείο – Κοινωνική Υπηρεσία Δήμου**\n\n' +
        '- Διεύθυνση: Λασιθίου 24, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40325\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30',
      en:
        '**Social Grocery – Municipal Social Services**\n\n' +
        '- Address: 24 Lasithiou Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40325\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30',
    },
    links: [
      {
        label: {
          el: 'Κανονισμός Λειτουργίας Κοινωνικού Παντοπωλείου',
          en: 'Social Grocery Operating Regulation',
        },
        url: 'https://www.example.gov.gr/koinoniki-prostasia/koinoniko-pantopoleio',
      },
    ],
  },
  {
    slug: 'koinoniko-farmakeio',
    category: 'koinonika-programmata',
    title: {
      el: 'Κοινωνικό Φαρμακείο',
      en: 'Social Pharmacy',
    },
    summary: {
      el:
        'Δωρεάν χορήγηση φαρμάκων και υγειονομικού υλικού, με ιατρική συνταγή, σε οικονομικά ' +
        'ευάλωτους κατοίκους του Δήμου.',
      en:
        'Free medicines and medical supplies, on prescription, for financially vulnerable ' +
        'residents of the Municipality.',
    },
    eligibility_md: {
      el:
        'Το Κοινωνικό Φαρμακείο απευθύνεται σε κατοίκους του Δήμου με χαμηλό εισόδημα, όπως:\n\n' +
        '- ανασφάλιστους και άτομα που δεν μπορούν να καλύψουν τη συμμετοχή τους στα φάρμακα\n' +
        '- δικαιούχους του Ελάχιστου Εγγυημένου Εισοδήματος\n' +
        '- χρονίως πάσχοντες με υψηλό κόστος φαρμακευτικής αγωγής\n\n' +
        'Τα φάρμακα προέρχονται από δωρεές και διατίθενται **μόνο με ιατρική συνταγή**, ανάλογα ' +
        'με τη διαθεσιμότητα.',
      en:
        'The Social Pharmacy serves low-income residents of the Municipality, such as:\n\n' +
        '- uninsured people and people who cannot afford their co-payment for medicines\n' +
        '- recipients of the Guaranteed Minimum Income\n' +
        '- people with chronic conditions facing high medication costs\n\n' +
        'Medicines come from donations and are dispensed **only on prescription**, subject to ' +
        'availability.',
    },
    documents_md: {
      el:
        '- Αστυνομική ταυτότητα ή άδεια διαμονής\n' +
        '- ΑΜΚΑ\n' +
        '- Ιατρική συνταγή (ηλεκτρονική ή έντυπη)\n' +
        '- Εκκαθαριστικό σημείωμα του τελευταίου φορολογικού έτους\n' +
        '- Εγκριτική απόφαση Ελάχιστου Εγγυημένου Εισοδήματος, εφόσον υπάρχει',
      en:
        '- Police identity card or residence permit\n' +
        '- AMKA\n' +
        '- Medical prescription (electronic or paper)\n' +
        '- Tax assessment notice for the last tax year\n' +
        '- Guaranteed Minimum Income approval decision, if applicable',
    },
    how_to_apply_md: {
      el:
        'Η εγγραφή γίνεται στην Κοινωνική Υπηρεσία. Μετά την έγκριση, προσέρχεστε στο Κοινωνικό ' +
        'Φαρμακείο με τη συνταγή σας· ο φαρμακοποιός ελέγχει τη συνταγή και σας χορηγεί τα ' +
        'διαθέσιμα σκευάσματα.\n\n' +
        'Το Κοινωνικό Φαρμακείο δέχεται επίσης **δωρεές φαρμάκων** σε κλειστή συσκευασία, με ' +
        'ημερομηνία λήξης τουλάχιστον έξι μηνών.',
      en:
        'Registration takes place at the Social Services Department. Once approved, visit the ' +
        'Social Pharmacy with your prescription; the pharmacist checks it and dispenses the ' +
        'available products.\n\n' +
        'The Social Pharmacy also accepts **donations of medicines** in sealed packaging with at ' +
        'least six months before expiry.',
    },
    deadlines_md: {
      el: 'Οι εγγραφές γίνονται **όλο το έτος**. Η κάρτα εξυπηρέτησης ανανεώνεται κάθε χρόνο.',
      en: 'Registration is open **all year round**. The service card is renewed every year.',
    },
    contact_md: {
      el:
        '**Κοινωνικό Φαρμακείο Δήμου**\n\n' +
        '- Διεύθυνση: Λασιθίου 24, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40327\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα, Τετάρτη και Παρασκευή, 09:00–13:00',
      en:
        '**Municipal Social Pharmacy**\n\n' +
        '- Address: 24 Lasithiou Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40327\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday, Wednesday and Friday, 09:00–13:00',
    },
    links: [
      {
        label: {
          el: 'ΕΟΠΥΥ – Εθνικός Οργανισμός Παροχής Υπηρεσιών Υγείας',
          en: 'EOPYY – National Organisation for the Provision of Health Services',
        },
        url: 'https://www.eopyy.gov.gr/',
      },
      {
        label: {
          el: 'Σελίδα του Κοινωνικού Φαρμακείου',
          en: 'Social Pharmacy page',
        },
        url: 'https://www.example.gov.gr/koinoniki-prostasia/koinoniko-farmakeio',
      },
    ],
  },
  {
    slug: 'dimotiko-frontistirio',
    category: 'oikogeneia-kai-paidi',
    title: {
      el: 'Δημοτικό Φροντιστήριο',
      en: 'Municipal Tutoring Centre',
    },
    summary: {
      el:
        'Δωρεάν ενισχυτική διδασκαλία για μαθητές Γυμνασίου και Λυκείου, με έμφαση στην ' +
        'προετοιμασία για τις Πανελλαδικές Εξετάσεις.',
      en:
        'Free supplementary tuition for lower and upper secondary school students, with a focus ' +
        'on preparation for the Panhellenic Examinations.',
    },
    eligibility_md: {
      el:
        'Μπορούν να εγγραφούν μαθητές Γυμνασίου και Γενικού ή Επαγγελματικού Λυκείου που ' +
        'κατοικούν μόνιμα στον Δήμο. Αν οι αιτήσεις ξεπεράσουν τις διαθέσιμες θέσεις, ' +
        'προτεραιότητα δίνεται σε:\n\n' +
        '- παιδιά οικογενειών με χαμηλό εισόδημα\n' +
        '- παιδιά πολύτεκνων, τρίτεκνων και μονογονεϊκών οικογενειών\n' +
        '- παιδιά με γονέα ή αδελφό με αναπηρία 67% και άνω\n' +
        '- μαθητές της Γ΄ Λυκείου',
      en:
        'Students of lower secondary school (Gymnasio) and general or vocational upper ' +
        'secondary school (Lykeio) who live permanently in the Municipality can register. If ' +
        'applications exceed the available places, priority is given to:\n\n' +
        '- children from low-income families\n' +
        '- children from large families (three or more children) and single-parent families\n' +
        '- children with a parent or sibling with a disability of 67% or more\n' +
        '- students in the final year of Lykeio',
    },
    documents_md: {
      el:
        '- Αίτηση εγγραφής υπογεγραμμένη από γονέα ή κηδεμόνα\n' +
        '- Αστυνομική ταυτότητα του γονέα ή κηδεμόνα\n' +
        '- Βεβαίωση φοίτησης του μαθητή για το σχολικό έτος 2026–2027\n' +
        '- Εκκαθαριστικό σημείωμα του τελευταίου φορολογικού έτους\n' +
        '- Πιστοποιητικό οικογενειακής κατάστασης\n' +
        '- Πιστοποιητικό πολυτεκνίας ή απόφαση ΚΕΠΑ, εφόσον υπάρχει',
      en:
        '- Registration form signed by a parent or guardian\n' +
        '- Police identity card of the parent or guardian\n' +
        '- Certificate of school attendance for the 2026–2027 school year\n' +
        '- Tax assessment notice for the last tax year\n' +
        '- Family status certificate\n' +
        '- Large family certificate or KEPA disability certificate, if applicable',
    },
    how_to_apply_md: {
      el:
        'Οι αιτήσεις υποβάλλονται ηλεκτρονικά μέσω της πύλης e-υπηρεσιών του Δήμου ή ' +
        'αυτοπροσώπως στην Κοινωνική Υπηρεσία. Οι πίνακες των μαθητών που εντάσσονται και το ' +
        'πρόγραμμα των μαθημάτων ανακοινώνονται στην ιστοσελίδα του Δήμου.\n\n' +
        'Τα μαθήματα γίνονται τις απογευματινές ώρες, σε τμήματα έως 10 μαθητών, από ' +
        'εκπαιδευτικούς με εμπειρία στη δευτεροβάθμια εκπαίδευση.',
      en:
        'Applications are submitted online through the e-services portal of the Municipality or ' +
        'in person at the Social Services Department. The lists of admitted students and the ' +
        'class timetable are published on the website of the Municipality.\n\n' +
        'Lessons take place in the afternoon, in groups of up to 10 students, taught by teachers ' +
        'experienced in secondary education.',
    },
    deadlines_md: {
      el:
        'Οι εγγραφές για το σχολικό έτος 2026–2027 γίνονται από **1 έως 25 Σεπτεμβρίου 2026**. ' +
        'Τα μαθήματα ξεκινούν τη Δευτέρα 12 Οκτωβρίου 2026 και ολοκληρώνονται τον Μάιο του 2027.',
      en:
        'Registration for the 2026–2027 school year runs from **1 to 25 September 2026**. ' +
        'Lessons start on Monday 12 October 2026 and end in May 2027.',
    },
    contact_md: {
      el:
        '**Κοινωνική Υπηρεσία Δήμου – Δημοτικό Φροντιστήριο**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40330\n' +
        '- Email: frontistirio@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30',
      en:
        '**Municipal Social Services – Municipal Tutoring Centre**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40330\n' +
        '- Email: frontistirio@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30',
    },
    links: [
      {
        label: {
          el: 'Ανακοινώσεις του Δημοτικού Φροντιστηρίου',
          en: 'Municipal Tutoring Centre announcements',
        },
        url: 'https://www.example.gov.gr/paideia/dimotiko-frontistirio',
      },
    ],
  },
  {
    slug: 'paidikoi-stathmoi-voucher-eetaa',
    category: 'oikogeneia-kai-paidi',
    title: {
      el: 'Voucher ΕΕΤΑΑ για βρεφονηπιακούς και παιδικούς σταθμούς',
      en: 'EETAA vouchers for nurseries and day-care centres',
    },
    summary: {
      el:
        'Δωρεάν φιλοξενία βρεφών και νηπίων σε δημοτικούς και ιδιωτικούς σταθμούς, καθώς και ' +
        'συμμετοχή σε ΚΔΑΠ και ΚΔΑΠ ΑμεΑ, μέσω του προγράμματος της ΕΕΤΑΑ που συγχρηματοδοτείται ' +
        'από το Ευρωπαϊκό Κοινωνικό Ταμείο+.',
      en:
        'Free places for babies and toddlers in municipal and private day-care centres, as well ' +
        'as participation in creative activity centres for children (KDAP) and for people with ' +
        'disabilities (KDAP AmeA), through the EETAA programme co-funded by the European Social ' +
        'Fund Plus.',
    },
    eligibility_md: {
      el:
        'Μπορούν να υποβάλουν αίτηση γονείς ή νόμιμοι κηδεμόνες βρεφών και νηπίων προσχολικής ' +
        'ηλικίας, καθώς και παιδιών σχολικής ηλικίας και ατόμων με αναπηρία για τα ΚΔΑΠ, εφόσον ' +
        'πληρούν τα **εισοδηματικά και κοινωνικά κριτήρια** της ετήσιας πρόσκλησης.\n\n' +
        'Η κατάταξη γίνεται με μοριοδότηση· προτεραιότητα έχουν οικογένειες με χαμηλό εισόδημα, ' +
        'μονογονεϊκές οικογένειες και παιδιά με αναπηρία.',
      en:
        'Parents or legal guardians of pre-school babies and toddlers, as well as of school-age ' +
        'children and people with disabilities for the KDAP centres, can apply if they meet the ' +
        '**income and social criteria** of the annual call.\n\n' +
        'Applicants are ranked on a points system; priority is given to low-income families, ' +
        'single-parent families and children with disabilities.',
    },
    documents_md: {
      el:
        '- Κωδικοί TAXISnet του αιτούντος και του/της συζύγου\n' +
        '- ΑΜΚΑ των παιδιών\n' +
        '- Στοιχεία εργασιακής κατάστασης των γονέων, όπου δεν αντλούνται αυτόματα\n' +
        '- Απόφαση ΚΕΠΑ για παιδί ή γονέα με αναπηρία, εφόσον υπάρχει\n' +
        '- Δικαστική απόφαση επιμέλειας ή άλλα δικαιολογητικά ειδικών περιπτώσεων, όπως ορίζει η ' +
        'πρόσκληση',
      en:
        '- TAXISnet credentials of the applicant and of the spouse\n' +
        '- AMKA of the children\n' +
        '- Employment status details of the parents, where not retrieved automatically\n' +
        '- KEPA disability certificate for a child or parent with a disability, if applicable\n' +
        '- Court custody order or other documents for special cases, as specified in the call',
    },
    how_to_apply_md: {
      el:
        'Η αίτηση υποβάλλεται **αποκλειστικά ηλεκτρονικά** στην ιστοσελίδα της ' +
        '[ΕΕΤΑΑ](https://www.eetaa.gr/) με τους κωδικούς TAXISnet. Μετά την ανακοίνωση των ' +
        'οριστικών αποτελεσμάτων, εκτυπώνετε το voucher και το προσκομίζετε στον σταθμό της ' +
        'επιλογής σας για την υπογραφή της σύμβασης.\n\n' +
        'Οι Δημοτικοί Παιδικοί Σταθμοί δέχονται voucher. Η Κοινωνική Υπηρεσία βοηθά τους γονείς ' +
        'που δυσκολεύονται με την ηλεκτρονική αίτηση.',
      en:
        'The application is submitted **online only** on the website of ' +
        '[EETAA](https://www.eetaa.gr/) using your TAXISnet credentials. Once the final results ' +
        'are announced, print the voucher and take it to the centre of your choice to sign the ' +
        'contract.\n\n' +
        'The Municipal Day-Care Centres accept vouchers. The Social Services Department helps ' +
        'parents who have difficulty with the online application.',
    },
    deadlines_md: {
      el:
        'Η πρόσκληση δημοσιεύεται κάθε χρόνο από την ΕΕΤΑΑ, συνήθως τον Ιούλιο. Για το σχολικό ' +
        'έτος 2026–2027 οι αιτήσεις αναμένεται να υποβληθούν από τα **τέλη Ιουλίου έως τα μέσα ' +
        'Αυγούστου 2026**· οι ακριβείς ημερομηνίες θα ανακοινωθούν στην ιστοσελίδα της ΕΕΤΑΑ.',
      en:
        'The call is published every year by EETAA, usually in July. For the 2026–2027 school ' +
        'year, applications are expected to run from **late July to mid-August 2026**; the exact ' +
        'dates will be announced on the EETAA website.',
    },
    contact_md: {
      el:
        '**Κοινωνική Υπηρεσία Δήμου**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40335\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30',
      en:
        '**Municipal Social Services**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40335\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30',
    },
    links: [
      {
        label: {
          el: 'ΕΕΤΑΑ – Ελληνική Εταιρεία Τοπικής Ανάπτυξης και Αυτοδιοίκησης',
          en: 'EETAA – Hellenic Agency for Local Development and Local Government',
        },
        url: 'https://www.eetaa.gr/',
      },
    ],
  },
  {
    slug: 'voitheia-sto-spiti',
    category: 'anapiria-kai-triti-ilikia',
    title: {
      el: 'Πρόγραμμα «Βοήθεια στο Σπίτι»',
      en: '"Help at Home" programme',
    },
    summary: {
      el:
        'Δωρεάν κοινωνική και νοσηλευτική φροντίδα στο σπίτι για ηλικιωμένους και άτομα με ' +
        'αναπηρία που δεν αυτοεξυπηρετούνται πλήρως.',
      en:
        'Free social and nursing care at home for older people and people with disabilities who ' +
        'cannot fully look after themselves.',
    },
    eligibility_md: {
      el:
        'Το πρόγραμμα απευθύνεται σε μόνιμους κατοίκους του Δήμου που:\n\n' +
        '- είναι ηλικιωμένοι ή άτομα με αναπηρία και δεν μπορούν να αυτοεξυπηρετηθούν πλήρως\n' +
        '- ζουν μόνοι ή με οικογένεια που δεν μπορεί να τους φροντίσει επαρκώς\n' +
        '- έχουν χαμηλό εισόδημα, σύμφωνα με τα κριτήρια του προγράμματος\n\n' +
        'Η ένταξη γίνεται μετά από **κατ’ οίκον αξιολόγηση** από τον κοινωνικό λειτουργό και τον ' +
        'νοσηλευτή του προγράμματος.',
      en:
        'The programme is for permanent residents of the Municipality who:\n\n' +
        '- are older people or people with disabilities and cannot fully look after themselves\n' +
        '- live alone or with family members who cannot adequately care for them\n' +
        '- have a low income, according to the criteria of the programme\n\n' +
        'Admission follows a **home assessment** by the social worker and the nurse of the ' +
        'programme.',
    },
    documents_md: {
      el:
        '- Αστυνομική ταυτότητα\n' +
        '- ΑΜΚΑ\n' +
        '- Πρόσφατη ιατρική γνωμάτευση για την κατάσταση της υγείας\n' +
        '- Απόφαση ΚΕΠΑ, εφόσον υπάρχει\n' +
        '- Εκκαθαριστικό σημείωμα του τελευταίου φορολογικού έτους\n' +
        '- Λίστα με τα φάρμακα που λαμβάνει ο ενδιαφερόμενος',
      en:
        '- Police identity card\n' +
        '- AMKA\n' +
        '- Recent medical report on the state of health\n' +
        '- KEPA disability certificate, if available\n' +
        '- Tax assessment notice for the last tax year\n' +
        '- List of the medicines the person takes',
    },
    how_to_apply_md: {
      el:
        'Επικοινωνήστε τηλεφωνικά με την Κοινωνική Υπηρεσία ή επισκεφθείτε την. Το αίτημα μπορεί ' +
        'να το υποβάλει και συγγενής, γείτονας ή ο θεράπων ιατρός για λογαριασμό του ' +
        'ενδιαφερόμενου. Στη συνέχεια, η ομάδα του προγράμματος επισκέπτεται το σπίτι και ' +
        'καταρτίζει εξατομικευμένο πλάνο φροντίδας.\n\n' +
        'Οι υπηρεσίες περιλαμβάνουν **νοσηλευτική φροντίδα** (μέτρηση πίεσης, ενέσεις, αλλαγή ' +
        'τραυμάτων), συνοδεία σε ιατρούς και υπηρεσίες, βοήθεια στις δουλειές του σπιτιού και ' +
        'ψυχοκοινωνική στήριξη.',
      en:
        'Contact the Social Services Department by phone or visit in person. A relative, ' +
        'neighbour or the attending doctor can also make the request on behalf of the person ' +
        'concerned. The programme team then visits the home and draws up a personalised care ' +
        'plan.\n\n' +
        'Services include **nursing care** (blood pressure checks, injections, wound dressing), ' +
        'accompaniment to doctors and public services, help with household chores and ' +
        'psychosocial support.',
    },
    deadlines_md: {
      el:
        'Οι αιτήσεις γίνονται δεκτές **όλο το έτος**. Σε επείγουσες περιπτώσεις η αξιολόγηση ' +
        'γίνεται κατά προτεραιότητα, συνήθως μέσα σε πέντε εργάσιμες ημέρες.',
      en:
        'Applications are accepted **all year round**. Urgent cases are assessed as a priority, ' +
        'usually within five working days.',
    },
    contact_md: {
      el:
        '**Πρόγραμμα «Βοήθεια στο Σπίτι» – Κοινωνική Υπηρεσία Δήμου**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40340\n' +
        '- Email: voitheia@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 07:30–15:00',
      en:
        '**"Help at Home" programme – Municipal Social Services**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40340\n' +
        '- Email: voitheia@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 07:30–15:00',
    },
    links: [
      {
        label: {
          el: 'Σελίδα του προγράμματος «Βοήθεια στο Σπίτι»',
          en: '"Help at Home" programme page',
        },
        url: 'https://www.example.gov.gr/koinoniki-prostasia/voitheia-sto-spiti',
      },
    ],
  },
  {
    slug: 'epidomata-anapirias-kepa',
    category: 'anapiria-kai-triti-ilikia',
    title: {
      el: 'Προνοιακά επιδόματα αναπηρίας (πιστοποίηση ΚΕΠΑ)',
      en: 'Disability welfare benefits (KEPA certification)',
    },
    summary: {
      el:
        'Μηνιαία προνοιακά επιδόματα του ΟΠΕΚΑ για άτομα με αναπηρία, με βάση την πιστοποίηση ' +
        'των Κέντρων Πιστοποίησης Αναπηρίας (ΚΕΠΑ) του e-ΕΦΚΑ. Η αίτηση για το επίδομα ' +
        'υποβάλλεται στο Κέντρο Κοινότητας του Δήμου.',
      en:
        'Monthly OPEKA welfare benefits for people with disabilities, based on certification by ' +
        'the Disability Certification Centres (KEPA) of e-EFKA. The benefit application is ' +
        'submitted at the Municipal Community Centre.',
    },
    eligibility_md: {
      el:
        'Δικαιούχοι είναι άτομα με αναπηρία που:\n\n' +
        '- έχουν **γνωμάτευση ΚΕΠΑ σε ισχύ** με το ποσοστό ή την πάθηση που προβλέπει κάθε ' +
        'επίδομα (συνήθως ποσοστό 67% και άνω)\n' +
        '- διαμένουν νόμιμα και μόνιμα στην Ελλάδα\n' +
        '- πληρούν τις λοιπές προϋποθέσεις του επιδόματος, όπου απαιτούνται\n\n' +
        'Ενδεικτικά, χορηγούνται επιδόματα τύφλωσης, κώφωσης–βαρηκοΐας, ' +
        'παραπληγίας–τετραπληγίας, βαριάς αναπηρίας και βαριάς νοητικής υστέρησης.',
      en:
        'Eligible are people with disabilities who:\n\n' +
        '- hold a **valid KEPA decision** stating the disability percentage or condition ' +
        'required for each benefit (usually 67% or more)\n' +
        '- reside legally and permanently in Greece\n' +
        '- meet any other conditions of the benefit, where required\n\n' +
        'Benefits include, for example, allowances for blindness, deafness and hearing loss, ' +
        'paraplegia and quadriplegia, severe disability and severe intellectual disability.',
    },
    documents_md: {
      el:
        '- Αστυνομική ταυτότητα ή άδεια διαμονής\n' +
        '- ΑΜΚΑ και ΑΦΜ\n' +
        '- Απόφαση (γνωμάτευση) ΚΕΠΑ σε ισχύ\n' +
        '- IBAN τραπεζικού λογαριασμού με δικαιούχο τον αιτούντα\n' +
        '- Απόφαση δικαστικής συμπαράστασης ή εξουσιοδότηση, αν την αίτηση υποβάλλει τρίτο πρόσωπο',
      en:
        '- Police identity card or residence permit\n' +
        '- AMKA and AFM\n' +
        '- Valid KEPA decision\n' +
        '- IBAN of a bank account held by the applicant\n' +
        '- Court guardianship order or authorisation, if the application is submitted by another ' +
        'person',
    },
    how_to_apply_md: {
      el:
        '**Βήμα 1 – Πιστοποίηση αναπηρίας.** Ο θεράπων ιατρός καταχωρίζει ηλεκτρονικά τη ' +
        'γνωμάτευσή σας και στη συνέχεια υποβάλλετε αίτηση για εξέταση από τα ΚΕΠΑ μέσω του ' +
        '[e-ΕΦΚΑ](https://www.efka.gov.gr/) ή μέσω ΚΕΠ.\n\n' +
        '**Βήμα 2 – Αίτηση επιδόματος.** Όταν εκδοθεί η απόφαση ΚΕΠΑ, κλείστε ραντεβού στο ' +
        'Κέντρο Κοινότητας του Δήμου, όπου υποβάλλεται η αίτηση στο πληροφοριακό σύστημα του ΟΠΕΚΑ.',
      en:
        '**Step 1 – Disability certification.** Your attending doctor registers a medical report ' +
        'electronically, and you then apply for an assessment by KEPA through ' +
        '[e-EFKA](https://www.efka.gov.gr/) or at a KEP (Citizen Service Centre).\n\n' +
        '**Step 2 – Benefit application.** Once the KEPA decision is issued, book an ' +
        'appointment at the Municipal Community Centre, where the application is submitted to ' +
        'the OPEKA information system.',
    },
    deadlines_md: {
      el:
        'Η αίτηση μπορεί να υποβληθεί **οποιαδήποτε στιγμή του έτους**. Αν η γνωμάτευση ΚΕΠΑ ' +
        'έχει ορισμένη διάρκεια, υποβάλετε έγκαιρα αίτηση επανεξέτασης πριν από τη λήξη της, ώστε ' +
        'να μη διακοπεί η καταβολή του επιδόματος.',
      en:
        'The application can be submitted **at any time of the year**. If your KEPA decision is ' +
        'valid for a limited period, apply for reassessment in good time before it expires, so ' +
        'that payment of the benefit is not interrupted.',
    },
    contact_md: {
      el:
        '**Κέντρο Κοινότητας Δήμου**\n\n' +
        '- Διεύθυνση: Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος\n' +
        '- Τηλέφωνο: 28413 40315\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Ωράριο: Δευτέρα–Παρασκευή, 08:00–14:30 (με ραντεβού)',
      en:
        '**Municipal Community Centre**\n\n' +
        '- Address: 16 K. Sfakianaki Street, 72100 Agios Nikolaos\n' +
        '- Phone: 28413 40315\n' +
        '- Email: koinoniki@example.gov.gr\n' +
        '- Opening hours: Monday–Friday, 08:00–14:30 (by appointment)',
    },
    links: [
      {
        label: {
          el: 'e-ΕΦΚΑ – Πιστοποίηση αναπηρίας (ΚΕΠΑ)',
          en: 'e-EFKA – Disability certification (KEPA)',
        },
        url: 'https://www.efka.gov.gr/',
      },
      {
        label: {
          el: 'ΟΠΕΚΑ – Προνοιακά επιδόματα αναπηρίας',
          en: 'OPEKA – Disability welfare benefits',
        },
        url: 'https://opeka.gr/',
      },
    ],
  },
];
