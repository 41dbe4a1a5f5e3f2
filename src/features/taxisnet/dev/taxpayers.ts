/**
 * The people the development stand-in for TaxisNet lets you sign in as: each field as GSIS's
 * userinfo gives it (names in Greek capitals without accents), without the padding the stand-in
 * adds when it answers. The first is the verified demo citizen (the roll and the demo account
 * know him by this ΑΦΜ); the others hold no demo account, so their first sign-in makes one.
 */
export interface TestTaxpayer {
  /** The TaxisNet user name. */
  userid: string;
  /** The ΑΦΜ. */
  taxid: string;
  lastname: string;
  firstname: string;
  fathername: string;
  mothername: string;
  birthyear: string;
}

export const TEST_TAXPAYERS: readonly TestTaxpayer[] = Object.freeze([
  {
    userid: 'User102938470',
    taxid: '102938470',
    lastname: 'ΜΑΝΩΛΑΚΗΣ',
    firstname: 'ΓΕΩΡΓΙΟΣ',
    fathername: 'ΙΩΑΝΝΗΣ',
    mothername: 'ΕΛΕΝΗ',
    birthyear: '1979',
  },
  {
    userid: 'estavrakaki',
    taxid: '135724681',
    lastname: 'ΣΤΑΥΡΑΚΑΚΗ',
    firstname: 'ΕΙΡΗΝΗ',
    fathername: 'ΝΙΚΟΛΑΟΣ',
    mothername: 'ΜΑΡΙΑ',
    birthyear: '1991',
  },
  {
    userid: 'MXATZIDAKIS56',
    taxid: '120693840',
    lastname: 'ΧΑΤΖΗΔΑΚΗΣ',
    firstname: 'ΜΙΧΑΗΛ',
    fathername: 'ΕΜΜΑΝΟΥΗΛ',
    mothername: 'ΑΝΝΑ',
    birthyear: '1956',
  },
  {
    userid: 'sofia.daskalaki',
    taxid: '147852368',
    // A double surname, as the tax register writes it.
    lastname: 'ΔΑΣΚΑΛΑΚΗ-ΒΟΓΙΑΤΖΗ',
    firstname: 'ΣΟΦΙΑ',
    fathername: 'ΚΩΝΣΤΑΝΤΙΝΟΣ',
    mothername: 'ΑΙΚΑΤΕΡΙΝΗ',
    birthyear: '2003',
  },
] satisfies TestTaxpayer[]);

/** The test taxpayer with this ΑΦΜ (surrounding spaces ignored, as GSIS pads it). */
export function findTaxpayer(afm: string | undefined): TestTaxpayer | undefined {
  const wanted = afm?.trim();
  return wanted ? TEST_TAXPAYERS.find((taxpayer) => taxpayer.taxid === wanted) : undefined;
}
