import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
} from '../../src/features/taxisnet/dev/stand-in-client.ts';
import { taxisnetSettingsOf } from '../../src/features/taxisnet/taxisnet.config.ts';
import { parseUserinfo, UserinfoError } from '../../src/features/taxisnet/userinfo.ts';
import { isValidAfm } from '../../src/lib/afm.ts';

const AFM = '102938470';
/** A valid AFM that starts with a zero: read as a number it would lose it. */
const AFM_LEADING_ZERO = '090000045';

const ATTRIBUTES =
  'userid="User102938470" lastname="ΜΑΝΩΛΑΚΗΣ" firstname="ΓΕΩΡΓΙΟΣ" fathername="ΙΩΑΝΝΗΣ" mothername="ΕΛΕΝΗ" birthyear="1979"';
const PROFILE = {
  afm: AFM,
  userId: 'User102938470',
  firstName: 'ΓΕΩΡΓΙΟΣ',
  lastName: 'ΜΑΝΩΛΑΚΗΣ',
  fatherName: 'ΙΩΑΝΝΗΣ',
  motherName: 'ΕΛΕΝΗ',
  birthYear: '1979',
};
const element = (taxid = AFM) => `<userinfo ${ATTRIBUTES} taxid="${taxid}"/>`;

/** The message of the UserinfoError `xml` throws (and fails if it throws anything else). */
function refusal(xml: string): string {
  try {
    parseUserinfo(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(UserinfoError);
    return (error as Error).message;
  }
  throw new Error('parseUserinfo accepted it');
}

describe('parseUserinfo: what GSIS sends', () => {
  it('reads the bare element of the documentation', () => {
    expect(parseUserinfo(element())).toEqual(PROFILE);
  });

  it('finds it wrapped in <root>, as GSIS sends it, and a few levels deeper', () => {
    expect(parseUserinfo(`<root>${element()}</root>`)).toEqual(PROFILE);
    expect(parseUserinfo(`<root><a><b>${element()}</b></a></root>`)).toEqual(PROFILE);
    expect(parseUserinfo(`<a><b><c><d>${element()}</d></c></b></a>`)).toEqual(PROFILE);
    // Beside other elements of the wrapper.
    expect(parseUserinfo(`<root><status>ok</status>${element()}</root>`)).toEqual(PROFILE);
  });

  it('gives up on an element buried deeper than a few wrappers', () => {
    expect(refusal(`<a><b><c><d><e>${element()}</e></d></c></b></a>`)).toBe(
      'no <userinfo> element',
    );
  });

  it('trims every attribute and folds inner runs of whitespace into one space', () => {
    const xml = `<root>
      <userinfo   userid="  User102938470      " taxid="   ${AFM}   "
        lastname=" ΔΑΣΚΑΛΑΚΗ-ΒΟΓΙΑΤΖΗ  " firstname="ΣΟΦΙΑ    ΜΑΡΙΑ" fathername="\tΚΩΝΣΤΑΝΤΙΝΟΣ\t"
        mothername="ΑΙΚΑΤΕΡΙΝΗ
        " birthyear=" 2003 " />
    </root>`;
    expect(parseUserinfo(xml)).toEqual({
      afm: AFM,
      userId: 'User102938470',
      firstName: 'ΣΟΦΙΑ ΜΑΡΙΑ',
      lastName: 'ΔΑΣΚΑΛΑΚΗ-ΒΟΓΙΑΤΖΗ',
      fatherName: 'ΚΩΝΣΤΑΝΤΙΝΟΣ',
      motherName: 'ΑΙΚΑΤΕΡΙΝΗ',
      birthYear: '2003',
    });
  });

  it('reads a taxid padded with spaces, even one broken by them', () => {
    expect(parseUserinfo(element(`${AFM}   `)).afm).toBe(AFM);
    expect(parseUserinfo(element(`  ${AFM}`)).afm).toBe(AFM);
    expect(parseUserinfo(element('102 938 470')).afm).toBe(AFM);
  });

  it('keeps an AFM with a leading zero as text', () => {
    expect(isValidAfm(AFM_LEADING_ZERO)).toBe(true);
    const profile = parseUserinfo(`<root>${element(` ${AFM_LEADING_ZERO} `)}</root>`);
    expect(profile.afm).toBe(AFM_LEADING_ZERO);
    expect(typeof profile.afm).toBe('string');
    // The birth year stays text too.
    expect(typeof profile.birthYear).toBe('string');
  });

  it('skips the XML declaration', () => {
    expect(parseUserinfo(`<?xml version="1.0" encoding="UTF-8"?>\n${element()}`)).toEqual(PROFILE);
    expect(
      parseUserinfo(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><root>${element()}</root>`,
      ),
    ).toEqual(PROFILE);
  });

  it('decodes the predefined entities in names', () => {
    const xml = `<userinfo taxid="${AFM}" lastname="ΠΑΠΑΔΟΠΟΥΛΟΣ &amp; ΣΙΑ" firstname="&quot;ΓΙΩΡΓΟΣ&quot; &lt;Α&gt;" fathername="Ο&apos;ΝΗΛ"/>`;
    expect(parseUserinfo(xml)).toMatchObject({
      lastName: 'ΠΑΠΑΔΟΠΟΥΛΟΣ & ΣΙΑ',
      firstName: '"ΓΙΩΡΓΟΣ" <Α>',
      fatherName: "Ο'ΝΗΛ",
    });
  });

  it('decodes character references in names, as every XML reader must', () => {
    const xml = `<userinfo taxid="${AFM}" lastname="&#924;&#913;&#925;&#937;&#923;&#913;&#922;&#919;&#931;" firstname="&#x393;&#x395;&#x3A9;&#x3A1;&#x393;&#x399;&#x39F;&#x3A3;"/>`;
    expect(parseUserinfo(xml)).toMatchObject({ lastName: 'ΜΑΝΩΛΑΚΗΣ', firstName: 'ΓΕΩΡΓΙΟΣ' });
  });

  it('reads a <userinfo> with child elements instead of attributes the same way', () => {
    // The parser puts attributes and child elements under the same names, so this form is read too.
    const xml = `<root><userinfo>
        <userid>User102938470</userid><taxid> ${AFM} </taxid>
        <lastname>ΜΑΝΩΛΑΚΗΣ</lastname><firstname>ΓΕΩΡΓΙΟΣ</firstname>
        <fathername>ΙΩΑΝΝΗΣ</fathername><mothername>ΕΛΕΝΗ</mothername><birthyear>1979</birthyear>
      </userinfo></root>`;
    expect(parseUserinfo(xml)).toEqual(PROFILE);
  });

  it('fills the fields GSIS left out with empty text', () => {
    expect(parseUserinfo(`<userinfo taxid="${AFM}"/>`)).toEqual({
      afm: AFM,
      userId: '',
      firstName: '',
      lastName: '',
      fatherName: '',
      motherName: '',
      birthYear: '',
    });
  });
});

describe('parseUserinfo: what it refuses (UserinfoError, never another error)', () => {
  it('a userinfo without taxid, or with an empty one', () => {
    expect(refusal(`<userinfo ${ATTRIBUTES}/>`)).toBe('<userinfo> has no valid taxid');
    expect(refusal(element('   '))).toBe('<userinfo> has no valid taxid');
  });

  it('a taxid whose check digit is wrong, or that is not nine digits', () => {
    expect(refusal(element('102938471'))).toBe('<userinfo> has no valid taxid');
    expect(refusal(element('90000045'))).toBe('<userinfo> has no valid taxid');
    expect(refusal(element('1029384700'))).toBe('<userinfo> has no valid taxid');
    expect(refusal(element('000000000'))).toBe('<userinfo> has no valid taxid');
    expect(refusal(element('EL102938470'))).toBe('<userinfo> has no valid taxid');
  });

  it('what is not XML at all', () => {
    expect(refusal('Service Unavailable')).toMatch(/^userinfo is not XML/);
    expect(refusal('{"error":"invalid_token"}')).toMatch(/^userinfo is not XML/);
    expect(refusal(`<root>${element()}`)).toMatch(/^userinfo is not XML/);
  });

  it('an empty answer', () => {
    expect(refusal('')).toMatch(/^userinfo is not XML/);
  });

  it('XML without a <userinfo> element (an error page, a renamed element)', () => {
    expect(refusal('<html>oops</html>')).toBe('no <userinfo> element');
    expect(refusal(`<UserInfo taxid="${AFM}"/>`)).toBe('no <userinfo> element');
    expect(refusal('<root><userinfo/></root>')).toBe('no <userinfo> element');
  });

  it('an oversize document, before reading it', () => {
    const padding = `<!-- ${'x'.repeat(16 * 1024)} -->`;
    expect(refusal(`<root>${element()}${padding}</root>`)).toBe('userinfo too large');
  });

  it('an entity that would expand the document past the parser’s limit', () => {
    const big = 'Χ'.repeat(7000);
    const xml = `<!DOCTYPE root [<!ENTITY a "${big}">]><userinfo taxid="${AFM}" lastname="${'&a;'.repeat(2500)}"/>`;
    expect(xml.length).toBeLessThan(16 * 1024);
    expect(refusal(xml)).toMatch(/^userinfo is not XML/);
  });
});

describe('taxisnetSettingsOf', () => {
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 's'.repeat(40),
    DATABASE_URL: 'postgres://x@localhost/db',
    SMTP_URL: 'smtp://mail.example.gov.gr:587',
    BASE_URL: 'https://eservices.example.gov.gr',
  };

  it('outside production without GSIS_CLIENT_ID points at the stand-in under BASE_URL, with its client', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const settings = taxisnetSettingsOf(
        loadConfig({ NODE_ENV, BASE_URL: 'http://localhost:3000/', GSIS_CLIENT_SECRET: 'ignored' }),
      );
      expect(settings).toMatchObject({
        enabled: true,
        standIn: true,
        baseUrl: 'http://localhost:3000/dev/gsis',
        clientId: DEV_CLIENT_ID,
        clientSecret: DEV_CLIENT_SECRET,
        verifiesIdentity: false,
        authorizeUrl: 'http://localhost:3000/dev/gsis/oauth2server/oauth/authorize',
        tokenUrl: 'http://localhost:3000/dev/gsis/oauth2server/oauth/token',
        userinfoUrl: 'http://localhost:3000/dev/gsis/oauth2server/userinfo?format=xml',
        callbackUrl: 'http://localhost:3000/auth/taxisnet/callback',
      });
      expect(settings.logoutUrl('http://localhost:3000/')).toBe(
        'http://localhost:3000/dev/gsis/oauth2server/logout/dev-portal/?url=http%3A%2F%2Flocalhost%3A3000%2F',
      );
    }
  });

  it('with GSIS_CLIENT_ID talks to www1.gsis.gr unless GSIS_BASE_URL says otherwise', () => {
    const settings = taxisnetSettingsOf(
      loadConfig({ ...production, GSIS_CLIENT_ID: 'DimosTest01', GSIS_CLIENT_SECRET: 'issued' }),
    );
    expect(settings).toMatchObject({
      enabled: true,
      standIn: false,
      baseUrl: 'https://www1.gsis.gr',
      clientId: 'DimosTest01',
      clientSecret: 'issued',
      authorizeUrl: 'https://www1.gsis.gr/oauth2server/oauth/authorize',
      tokenUrl: 'https://www1.gsis.gr/oauth2server/oauth/token',
      userinfoUrl: 'https://www1.gsis.gr/oauth2server/userinfo?format=xml',
      callbackUrl: 'https://eservices.example.gov.gr/auth/taxisnet/callback',
    });
    expect(settings.logoutUrl('https://eservices.example.gov.gr/')).toBe(
      'https://www1.gsis.gr/oauth2server/logout/DimosTest01/?url=https%3A%2F%2Feservices.example.gov.gr%2F',
    );
  });

  it('uses GSIS_BASE_URL (the test environment), without its trailing slash, outside production too', () => {
    for (const env of [production, { NODE_ENV: 'development' }]) {
      const settings = taxisnetSettingsOf(
        loadConfig({
          ...env,
          GSIS_BASE_URL: 'https://test.gsis.gr/',
          GSIS_CLIENT_ID: 'DimosTest01',
          GSIS_CLIENT_SECRET: 'issued',
        }),
      );
      expect(settings.standIn).toBe(false);
      expect(settings.authorizeUrl).toBe('https://test.gsis.gr/oauth2server/oauth/authorize');
      expect(settings.tokenUrl).toBe('https://test.gsis.gr/oauth2server/oauth/token');
      expect(settings.userinfoUrl).toBe('https://test.gsis.gr/oauth2server/userinfo?format=xml');
      expect(settings.logoutUrl('https://x.gov.gr/?a=1&b=2')).toBe(
        'https://test.gsis.gr/oauth2server/logout/DimosTest01/?url=https%3A%2F%2Fx.gov.gr%2F%3Fa%3D1%26b%3D2',
      );
    }
  });

  it('puts a client id with odd characters into the logout path encoded', () => {
    const settings = taxisnetSettingsOf(
      loadConfig({ ...production, GSIS_CLIENT_ID: 'dimos/α b', GSIS_CLIENT_SECRET: 'issued' }),
    );
    expect(settings.logoutUrl('https://x.gov.gr/')).toBe(
      'https://www1.gsis.gr/oauth2server/logout/dimos%2F%CE%B1%20b/?url=https%3A%2F%2Fx.gov.gr%2F',
    );
  });

  it('is off in production without GSIS_CLIENT_ID', () => {
    const settings = taxisnetSettingsOf(loadConfig(production));
    expect(settings.enabled).toBe(false);
    expect(settings.standIn).toBe(false);
  });

  it('reads TAXISNET_VERIFIES_IDENTITY as a flag', () => {
    const verifies = (value: string) =>
      taxisnetSettingsOf(loadConfig({ TAXISNET_VERIFIES_IDENTITY: value })).verifiesIdentity;
    expect(verifies('true')).toBe(true);
    expect(verifies('1')).toBe(true);
    expect(verifies('false')).toBe(false);
    expect(verifies('0')).toBe(false);
    expect(verifies('')).toBe(false);
    expect(() => verifies('yes')).toThrow(/^Invalid setting TAXISNET_VERIFIES_IDENTITY/);
  });
});
