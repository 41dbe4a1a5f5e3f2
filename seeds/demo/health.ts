import type { DemoHealthService } from './types.ts';

export const healthServices: DemoHealthService[] = [
  {
    slug: 'dimotiko-iatreio',
    kind: 'clinic',
    title: {
      el: 'Δημοτικό Ιατρείο',
      en: 'Municipal Medical Clinic',
    },
    summary: {
      el:
        'Δωρεάν εξέταση από γενικό ιατρό, μέτρηση πίεσης και σακχάρου και συνταγογράφηση για ' +
        'δημότες, ανασφάλιστους και ευάλωτες ομάδες.',
      en:
        'Free examination by a general practitioner, blood pressure and blood sugar checks and ' +
        'prescriptions for residents, uninsured people and vulnerable groups.',
    },
    body_md: {
      el:
        'Το Δημοτικό Ιατρείο λειτουργεί με **γενικό ιατρό** και νοσηλεύτρια και εξυπηρετεί κατά ' +
        'προτεραιότητα ηλικιωμένους, ανασφάλιστους, δικαιούχους του Ελάχιστου Εγγυημένου ' +
        'Εισοδήματος και άτομα με αναπηρία.\n\n' +
        'Παρέχονται:\n\n' +
        '- κλινική εξέταση και ιατρικές συμβουλές\n' +
        '- μέτρηση αρτηριακής πίεσης και σακχάρου\n' +
        '- ηλεκτρονική συνταγογράφηση φαρμάκων και εξετάσεων\n' +
        '- ιατρικές βεβαιώσεις για σχολική και κατασκηνωτική χρήση\n\n' +
        'Η εξέταση γίνεται με **ραντεβού**. Τα επείγοντα περιστατικά εξυπηρετούνται χωρίς ' +
        'ραντεβού ή παραπέμπονται στο Γενικό Νοσοκομείο Αγίου Νικολάου.',
      en:
        'The Municipal Medical Clinic is staffed by a **general practitioner** and a nurse and ' +
        'gives priority to older people, uninsured people, recipients of the Guaranteed Minimum ' +
        'Income and people with disabilities.\n\n' +
        'Services include:\n\n' +
        '- clinical examination and medical advice\n' +
        '- blood pressure and blood sugar checks\n' +
        '- electronic prescriptions for medicines and tests\n' +
        '- medical certificates for school and summer camp use\n\n' +
        'Examinations are **by appointment**. Urgent cases are seen without an appointment or ' +
        'referred to the General Hospital of Agios Nikolaos.',
    },
    address: {
      el: 'Λασιθίου 18, 72100 Άγιος Νικόλαος',
      en: '18 Lasithiou Street, 72100 Agios Nikolaos',
    },
    hours: {
      el: 'Δευτέρα–Παρασκευή, 08:00–14:00 (με ραντεβού)',
      en: 'Monday–Friday, 08:00–14:00 (by appointment)',
    },
    phone: '28410 22450',
    what_to_bring_md: {
      el:
        '- ΑΜΚΑ\n' +
        '- Αστυνομική ταυτότητα ή άλλο έγγραφο ταυτοποίησης\n' +
        '- Βιβλιάριο υγείας, εφόσον υπάρχει\n' +
        '- Λίστα με τα φάρμακα που παίρνετε\n' +
        '- Πρόσφατες εξετάσεις και ιατρικές γνωματεύσεις',
      en:
        '- AMKA (social security number)\n' +
        '- Police identity card or other identity document\n' +
        '- Health booklet, if you have one\n' +
        '- List of the medicines you take\n' +
        '- Recent test results and medical reports',
    },
  },
  {
    slug: 'dimotiko-odontiatreio',
    kind: 'clinic',
    title: {
      el: 'Δημοτικό Οδοντιατρείο',
      en: 'Municipal Dental Clinic',
    },
    summary: {
      el:
        'Δωρεάν προληπτικός οδοντιατρικός έλεγχος για παιδιά και βασικές οδοντιατρικές θεραπείες ' +
        'για οικονομικά ευάλωτους δημότες.',
      en:
        'Free preventive dental check-ups for children and basic dental treatment for ' +
        'financially vulnerable residents.',
    },
    body_md: {
      el:
        'Το Δημοτικό Οδοντιατρείο πραγματοποιεί **προληπτικό έλεγχο στοματικής υγείας** στους ' +
        'μαθητές των σχολείων του Δήμου, σε συνεργασία με τις σχολικές μονάδες, καθώς και βασικές ' +
        'οδοντιατρικές πράξεις για ανασφάλιστους και οικονομικά ευάλωτους δημότες.\n\n' +
        'Παρέχονται:\n\n' +
        '- προληπτικός έλεγχος και καθαρισμός\n' +
        '- εμφράξεις (σφραγίσματα)\n' +
        '- εφαρμογή φθορίου και προληπτικές εμφράξεις οπών και σχισμών στα παιδιά\n' +
        '- εξαγωγές\n\n' +
        'Τα ραντεβού για παιδιά κλείνονται κατά προτεραιότητα τα απογεύματα της Τετάρτης.',
      en:
        'The Municipal Dental Clinic carries out **preventive oral health check-ups** for pupils ' +
        'of the schools in the Municipality, in cooperation with the schools, as well as basic ' +
        'dental treatment for uninsured and financially vulnerable residents.\n\n' +
        'Services include:\n\n' +
        '- preventive check-up and cleaning\n' +
        '- fillings\n' +
        '- fluoride application and fissure sealants for children\n' +
        '- extractions\n\n' +
        'Appointments for children are given priority on Wednesday afternoons.',
    },
    address: {
      el: 'Κονδυλάκη 5, 72100 Άγιος Νικόλαος',
      en: '5 Kondylaki Street, 72100 Agios Nikolaos',
    },
    hours: {
      el: 'Δευτέρα–Παρασκευή, 08:30–14:30· Τετάρτη και 17:00–20:00 (με ραντεβού)',
      en: 'Monday–Friday, 08:30–14:30; also Wednesday 17:00–20:00 (by appointment)',
    },
    phone: '28410 23870',
    what_to_bring_md: {
      el:
        '- ΑΜΚΑ\n' +
        '- Αστυνομική ταυτότητα (για ανηλίκους, ταυτότητα του γονέα ή κηδεμόνα)\n' +
        '- Βιβλιάριο υγείας παιδιού, για τους ανηλίκους\n' +
        '- Βεβαίωση Ελάχιστου Εγγυημένου Εισοδήματος ή ανασφάλιστου, εφόσον υπάρχει\n' +
        '- Πρόσφατες οδοντιατρικές ακτινογραφίες, εφόσον υπάρχουν',
      en:
        '- AMKA\n' +
        '- Police identity card (for minors, the identity card of the parent or guardian)\n' +
        '- Child health booklet, for minors\n' +
        '- Guaranteed Minimum Income or uninsured status certificate, if applicable\n' +
        '- Recent dental X-rays, if available',
    },
  },
  {
    slug: 'prolamvano-proliptikos-elegchos',
    kind: 'programme',
    title: {
      el: '«Προλαμβάνω»: δωρεάν μαστογραφία και προληπτικές εξετάσεις',
      en: '"Prolamvano": free mammograms and screening tests',
    },
    summary: {
      el:
        'Το Γραφείο Πρόληψης του Δήμου ενημερώνει και βοηθά τους δημότες να κλείσουν ραντεβού ' +
        'για τις δωρεάν εξετάσεις του Εθνικού Προγράμματος Πρόληψης «Προλαμβάνω».',
      en:
        'The Municipal Prevention Office informs residents and helps them book the free tests of ' +
        'the National Prevention Programme "Prolamvano".',
    },
    body_md: {
      el:
        'Στο πλαίσιο του Εθνικού Προγράμματος Πρόληψης **«Προλαμβάνω»** του Υπουργείου Υγείας, ' +
        'οι δικαιούχοι λαμβάνουν SMS με τον κωδικό του παραπεμπτικού τους και κλείνουν ραντεβού ' +
        'σε συμβεβλημένο διαγνωστικό κέντρο ή ιατρό. Οι εξετάσεις είναι **δωρεάν**, ανεξάρτητα ' +
        'από την ασφαλιστική ικανότητα.\n\n' +
        'Ενδεικτικά, το πρόγραμμα περιλαμβάνει:\n\n' +
        '- ψηφιακή μαστογραφία για γυναίκες 45–74 ετών\n' +
        '- τεστ Παπανικολάου ή HPV DNA για γυναίκες 21–65 ετών\n' +
        '- έλεγχο για καρκίνο του παχέος εντέρου για άνδρες και γυναίκες από 50 ετών\n\n' +
        'Αν δεν λάβατε μήνυμα, δεν έχετε κινητό τηλέφωνο ή χρειάζεστε βοήθεια με το ραντεβού, ' +
        'απευθυνθείτε στο Γραφείο Πρόληψης του Δήμου.',
      en:
        'Under the Ministry of Health National Prevention Programme **"Prolamvano"**, eligible ' +
        'people receive an SMS with their referral code and book an appointment at a contracted ' +
        'diagnostic centre or doctor. The tests are **free of charge**, regardless of insurance ' +
        'status.\n\n' +
        'The programme includes, for example:\n\n' +
        '- digital mammography for women aged 45–74\n' +
        '- Pap smear or HPV DNA test for women aged 21–65\n' +
        '- colorectal cancer screening for men and women from the age of 50\n\n' +
        'If you have not received a message, do not have a mobile phone or need help booking ' +
        'an appointment, contact the Municipal Prevention Office.',
    },
    address: {
      el: 'Γραφείο Πρόληψης, Ρούσσου Κουνδούρου 30, 72100 Άγιος Νικόλαος',
      en: 'Prevention Office, 30 Roussou Koundourou Street, 72100 Agios Nikolaos',
    },
    hours: {
      el: 'Δευτέρα–Παρασκευή, 09:00–14:00',
      en: 'Monday–Friday, 09:00–14:00',
    },
    phone: '28410 24615',
    what_to_bring_md: {
      el:
        '- ΑΜΚΑ\n' +
        '- Αστυνομική ταυτότητα\n' +
        '- Το SMS με τον κωδικό του παραπεμπτικού, αν το έχετε λάβει\n' +
        '- Κινητό τηλέφωνο για την επιβεβαίωση του ραντεβού\n' +
        '- Προηγούμενες μαστογραφίες ή εξετάσεις, για σύγκριση',
      en:
        '- AMKA\n' +
        '- Police identity card\n' +
        '- The SMS with your referral code, if you have received it\n' +
        '- Mobile phone to confirm the appointment\n' +
        '- Previous mammograms or test results, for comparison',
    },
  },
  {
    slug: 'antigripikos-emvoliasmos-2026',
    kind: 'vaccination',
    title: {
      el: 'Ημέρες αντιγριπικού εμβολιασμού 2026',
      en: 'Flu vaccination days 2026',
    },
    summary: {
      el:
        'Δωρεάν αντιγριπικός εμβολιασμός για ευπαθείς ομάδες, σε συνεργασία με την 7η ' +
        'Υγειονομική Περιφέρεια Κρήτης.',
      en:
        'Free flu vaccination for vulnerable groups, in cooperation with the 7th Health Region ' +
        'of Crete.',
    },
    body_md: {
      el:
        'Ο Δήμος, σε συνεργασία με την 7η Υγειονομική Περιφέρεια Κρήτης, διοργανώνει ημέρες ' +
        '**δωρεάν αντιγριπικού εμβολιασμού** για την περίοδο γρίπης 2026–2027. Τον εμβολιασμό ' +
        'κάνουν ιατροί και νοσηλευτές, χωρίς ραντεβού, με σειρά προσέλευσης.\n\n' +
        'Ημερομηνίες (09:00–13:00):\n\n' +
        '- Σάββατο 17 Οκτωβρίου 2026\n' +
        '- Σάββατο 24 Οκτωβρίου 2026\n' +
        '- Σάββατο 31 Οκτωβρίου 2026\n' +
        '- Σάββατο 7 Νοεμβρίου 2026\n\n' +
        'Ο εμβολιασμός συστήνεται ιδιαίτερα σε:\n\n' +
        '- άτομα 60 ετών και άνω\n' +
        '- άτομα με χρόνια νοσήματα (π.χ. διαβήτη, καρδιοπάθεια, άσθμα)\n' +
        '- εγκύους\n' +
        '- επαγγελματίες υγείας και όσους φροντίζουν ευπαθή άτομα\n\n' +
        'Αν έχετε πυρετό την ημέρα του εμβολιασμού, ενημερώστε τον ιατρό· ο εμβολιασμός θα ' +
        'αναβληθεί.',
      en:
        'The Municipality, in cooperation with the 7th Health Region of Crete, organises ' +
        '**free flu vaccination** days for the 2026–2027 flu season. Vaccines are given by ' +
        'doctors and nurses, without an appointment, on a first-come, first-served basis.\n\n' +
        'Dates (09:00–13:00):\n\n' +
        '- Saturday 17 October 2026\n' +
        '- Saturday 24 October 2026\n' +
        '- Saturday 31 October 2026\n' +
        '- Saturday 7 November 2026\n\n' +
        'Vaccination is especially recommended for:\n\n' +
        '- people aged 60 and over\n' +
        '- people with chronic conditions (e.g. diabetes, heart disease, asthma)\n' +
        '- pregnant women\n' +
        '- health professionals and carers of vulnerable people\n\n' +
        'If you have a fever on the day of vaccination, tell the doctor; your vaccination will ' +
        'be postponed.',
    },
    address: {
      el: 'Πολιτιστικό Κέντρο Δήμου, 25ης Μαρτίου 12, 72100 Άγιος Νικόλαος',
      en: 'Municipal Cultural Centre, 12 25is Martiou Street, 72100 Agios Nikolaos',
    },
    hours: {
      el: 'Σάββατο 17, 24 και 31 Οκτωβρίου και 7 Νοεμβρίου 2026, 09:00–13:00',
      en: 'Saturday 17, 24 and 31 October and 7 November 2026, 09:00–13:00',
    },
    phone: '28410 24620',
    what_to_bring_md: {
      el:
        '- ΑΜΚΑ\n' +
        '- Αστυνομική ταυτότητα\n' +
        '- Βιβλιάριο υγείας ή βιβλιάριο εμβολιασμών\n' +
        '- Λίστα με τα φάρμακα που παίρνετε και τυχόν αλλεργίες\n' +
        '- Για ανηλίκους: συνοδεία γονέα ή κηδεμόνα',
      en:
        '- AMKA\n' +
        '- Police identity card\n' +
        '- Health booklet or vaccination booklet\n' +
        '- List of the medicines you take and any allergies\n' +
        '- For minors: accompanied by a parent or guardian',
    },
  },
  {
    slug: 'efimeries-farmakeion-kai-nosokomeiou',
    kind: 'on_duty',
    title: {
      el: 'Εφημερίες φαρμακείων και νοσοκομείου',
      en: 'On-duty pharmacies and hospital',
    },
    summary: {
      el:
        'Πού θα βρείτε εφημερεύον φαρμακείο και ιατρική βοήθεια τα βράδια, τα Σαββατοκύριακα και ' +
        'τις αργίες.',
      en:
        'Where to find an on-duty pharmacy and medical help at night, at weekends and on public ' +
        'holidays.',
    },
    body_md: {
      el:
        '**Γενικό Νοσοκομείο Αγίου Νικολάου:** το Τμήμα Επειγόντων Περιστατικών (ΤΕΠ) λειτουργεί ' +
        'όλο το 24ωρο, κάθε ημέρα. Το πρόγραμμα εφημεριών των κλινικών ανακοινώνεται από το ' +
        'Νοσοκομείο.\n\n' +
        '**Εφημερεύοντα φαρμακεία:** το πρόγραμμα καταρτίζεται από τον Φαρμακευτικό Σύλλογο ' +
        'Λασιθίου και αναρτάται καθημερινά στην ιστοσελίδα του Δήμου και στην είσοδο κάθε ' +
        'φαρμακείου.\n\n' +
        'Σε επείγον περιστατικό καλέστε το **166** (ΕΚΑΒ) ή τον Ευρωπαϊκό Αριθμό Έκτακτης ' +
        'Ανάγκης **112**.',
      en:
        '**General Hospital of Agios Nikolaos:** the Emergency Department is open 24 hours a ' +
        'day, every day. The on-call schedule of the hospital departments is announced by the ' +
        'Hospital.\n\n' +
        '**On-duty pharmacies:** the schedule is drawn up by the Lasithi Pharmaceutical ' +
        'Association and posted daily on the website of the Municipality and at the entrance ' +
        'of every pharmacy.\n\n' +
        'In an emergency call **166** (National Centre for Emergency Care, EKAB) or the ' +
        'European emergency number **112**.',
    },
    address: {
      el: 'Γενικό Νοσοκομείο Αγίου Νικολάου, Κνωσού 3, 72100 Άγιος Νικόλαος',
      en: 'General Hospital of Agios Nikolaos, 3 Knossou Street, 72100 Agios Nikolaos',
    },
    hours: {
      el:
        'ΤΕΠ νοσοκομείου: όλο το 24ωρο, 7 ημέρες την εβδομάδα· φαρμακεία: σύμφωνα με το ' +
        'ημερήσιο πρόγραμμα εφημεριών',
      en:
        'Hospital Emergency Department: 24 hours a day, 7 days a week; pharmacies: according to ' +
        'the daily on-duty schedule',
    },
    phone: '28410 25221',
    what_to_bring_md: {
      el:
        '- ΑΜΚΑ\n' +
        '- Αστυνομική ταυτότητα\n' +
        '- Ιατρική συνταγή (ηλεκτρονική ή έντυπη) για το φαρμακείο\n' +
        '- Βιβλιάριο υγείας\n' +
        '- Λίστα με τα φάρμακα που παίρνετε και πρόσφατες εξετάσεις',
      en:
        '- AMKA\n' +
        '- Police identity card\n' +
        '- Medical prescription (electronic or paper) for the pharmacy\n' +
        '- Health booklet\n' +
        '- List of the medicines you take and recent test results',
    },
  },
  {
    slug: 'ethelontiki-aimodosia',
    kind: 'programme',
    title: {
      el: 'Εθελοντική αιμοδοσία του Δήμου',
      en: 'Municipal voluntary blood donation',
    },
    summary: {
      el:
        'Ημέρες εθελοντικής αιμοδοσίας για την ενίσχυση της Τράπεζας Αίματος του Δήμου, σε ' +
        'συνεργασία με την Υπηρεσία Αιμοδοσίας του Γενικού Νοσοκομείου Αγίου Νικολάου.',
      en:
        'Voluntary blood donation days to support the Municipal Blood Bank, in cooperation with ' +
        'the Blood Donation Service of the General Hospital of Agios Nikolaos.',
    },
    body_md: {
      el:
        'Ο Δήμος διατηρεί **Τράπεζα Αίματος** για τους δημότες. Οι εθελοντές αιμοδότες και οι ' +
        'οικογένειές τους μπορούν να καλύψουν από την Τράπεζα τις ανάγκες τους σε αίμα, όταν ' +
        'χρειαστεί.\n\n' +
        'Επόμενες ημέρες αιμοδοσίας (09:00–13:30):\n\n' +
        '- Κυριακή 8 Νοεμβρίου 2026\n' +
        '- Κυριακή 13 Δεκεμβρίου 2026\n\n' +
        'Μπορείτε να δώσετε αίμα αν:\n\n' +
        '- είστε 18–65 ετών\n' +
        '- ζυγίζετε τουλάχιστον 50 κιλά\n' +
        '- είστε υγιής και δεν έχετε πάρει αντιβίωση τις τελευταίες δύο εβδομάδες\n\n' +
        'Το πρωί της αιμοδοσίας πάρτε ένα **ελαφρύ πρωινό** και πιείτε αρκετά υγρά. Πριν από την ' +
        'αιμοληψία γίνεται σύντομη ιατρική εξέταση και μέτρηση αιμοσφαιρίνης.',
      en:
        'The Municipality maintains a **Blood Bank** for its residents. Voluntary donors and ' +
        'their families can draw on the Blood Bank for their blood needs when necessary.\n\n' +
        'Upcoming blood donation days (09:00–13:30):\n\n' +
        '- Sunday 8 November 2026\n' +
        '- Sunday 13 December 2026\n\n' +
        'You can give blood if you:\n\n' +
        '- are aged 18–65\n' +
        '- weigh at least 50 kg\n' +
        '- are in good health and have not taken antibiotics in the last two weeks\n\n' +
        'On the morning of the donation, have a **light breakfast** and drink plenty of fluids. ' +
        'Before the donation there is a short medical check and a haemoglobin test.',
    },
    address: {
      el: 'Αίθουσα εκδηλώσεων Δημαρχείου, Κ. Σφακιανάκη 16, 72100 Άγιος Νικόλαος',
      en: 'Town Hall events room, 16 K. Sfakianaki Street, 72100 Agios Nikolaos',
    },
    hours: {
      el: 'Κυριακή 8 Νοεμβρίου και Κυριακή 13 Δεκεμβρίου 2026, 09:00–13:30',
      en: 'Sunday 8 November and Sunday 13 December 2026, 09:00–13:30',
    },
    phone: '28410 24630',
    what_to_bring_md: {
      el:
        '- Αστυνομική ταυτότητα\n' +
        '- ΑΜΚΑ\n' +
        '- Κάρτα αιμοδότη, εφόσον έχετε\n' +
        '- Λίστα με τα φάρμακα που παίρνετε',
      en:
        '- Police identity card\n' +
        '- AMKA\n' +
        '- Blood donor card, if you have one\n' +
        '- List of the medicines you take',
    },
  },
];
