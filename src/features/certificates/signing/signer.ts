import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import { detachedCms } from './cms.ts';

/**
 * Seals a finished PDF. Behind this interface so a remote signing service (a qualified seal on
 * an HSM) can replace the PKCS#12 file without touching who calls it.
 */
export interface DocumentSigner {
  /** The PDF with an embedded PAdES signature (ETSI.CAdES.detached) over all of it. */
  seal(pdf: Buffer, details: { reason: string; location: string; name: string }): Promise<Buffer>;
  /** Whose seal: the certificate's subject, for the verification page. */
  readonly subject: string;
}

/** The signing key and certificate, read from a PKCS#12 file. */
export interface SealIdentity {
  key: KeyObject;
  certificate: forge.pki.Certificate;
  /** The file's other certificates (the issuing CAs), sent with each signature. */
  chain: forge.pki.Certificate[];
}

/** Room for the CMS in the placeholder: an RSA-4096 signature and a certificate chain fit. */
const SIGNATURE_BYTES = 8192;

class CmsSigner extends Signer {
  constructor(private readonly identity: SealIdentity) {
    super();
  }
  // The signature covers the byte ranges @signpdf hands over.
  sign(content: Buffer): Promise<Buffer> {
    const { key, certificate, chain } = this.identity;
    // An expired (or not yet valid) seal would sign documents nobody can trust: refused.
    const now = new Date();
    if (now < certificate.validity.notBefore || now > certificate.validity.notAfter)
      return Promise.reject(new SealUnavailableError('the seal certificate is not valid today'));
    return Promise.resolve(detachedCms(content, key, certificate, chain));
  }
}

/** The seal with a PKCS#12 identity held in memory (parsed once, at start). */
export function p12DocumentSigner(identity: SealIdentity): DocumentSigner {
  const signer = new CmsSigner(identity);
  const signPdf = new SignPdf();
  return {
    subject: commonNameOf(identity.certificate),
    async seal(pdf, details) {
      const prepared = plainAddPlaceholder({
        pdfBuffer: pdf,
        reason: details.reason,
        contactInfo: '',
        name: details.name,
        location: details.location,
        signatureLength: SIGNATURE_BYTES,
        subFilter: SUBFILTER_ETSI_CADES_DETACHED,
      });
      return signPdf.sign(pointStartxrefAtXref(prepared), signer);
    },
  };
}

/**
 * @signpdf's incremental update points `startxref` at the line break before its `xref`; readers
 * cope, but qpdf --check warns. Points it at the keyword itself (before the signature is made).
 */
export function pointStartxrefAtXref(pdf: Buffer): Buffer {
  const tail = pdf.subarray(Math.max(0, pdf.length - 64)).toString('latin1');
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) return pdf;
  const offset = Number(match[1]);
  let start = offset;
  while (start < pdf.length && (pdf[start] === 0x0a || pdf[start] === 0x0d || pdf[start] === 0x20))
    start += 1;
  if (start === offset || pdf.toString('latin1', start, start + 4) !== 'xref') return pdf;
  const head = pdf.subarray(0, pdf.length - tail.length + match.index);
  return Buffer.concat([head, Buffer.from(`startxref\n${start}\n%%EOF\n`, 'latin1')]);
}

export class SealUnavailableError extends Error {}

/**
 * The certificate's common name as text. forge keeps a UTF8String's bytes undecoded and a
 * BMPString's already decoded: the first is decoded, anything that will not decode is shown as
 * it is, never thrown.
 */
function commonNameOf(certificate: forge.pki.Certificate): string {
  const field = certificate.subject.getField('CN') as {
    value?: string;
    valueTagClass?: number;
  } | null;
  if (!field?.value) return '';
  if (field.valueTagClass === forge.asn1.Type.BMPSTRING) return field.value;
  try {
    return forge.util.decodeUtf8(field.value);
  } catch {
    return field.value;
  }
}

/** Reads a PKCS#12 file: its private key and the certificate that goes with it. */
export function readP12(file: Buffer, passphrase: string): SealIdentity {
  const p12 = forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(forge.util.createBuffer(file.toString('binary'))),
    false,
    passphrase,
  );
  const bagsOf = (type: string | undefined) => {
    const oid = type ?? '';
    return p12.getBags({ bagType: oid })[oid] ?? [];
  };
  const keyBag = bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag)[0] ?? bagsOf(forge.pki.oids.keyBag)[0];
  const privateKey = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!privateKey) throw new SealUnavailableError('the PKCS#12 file holds no private key');
  const certificates = bagsOf(forge.pki.oids.certBag)
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => Boolean(cert));
  const certificate = certificates.find((cert) => {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n.compareTo(privateKey.n) === 0 && publicKey.e.compareTo(privateKey.e) === 0;
  });
  if (!certificate)
    throw new SealUnavailableError('no certificate in the PKCS#12 file matches its key');
  return {
    key: createPrivateKey(forge.pki.privateKeyToPem(privateKey)),
    certificate,
    chain: certificates.filter((cert) => cert !== certificate),
  };
}

/**
 * A self-signed seal for development and tests (never production): an RSA-2048 key and a
 * certificate in the municipality's name, valid five years, as a PKCS#12 file.
 */
export function selfSignedP12(commonName: string, passphrase: string): Buffer {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = forge.util
    .bytesToHex(forge.random.getBytesSync(8))
    .replace(/^[89a-f]/, '1');
  const now = new Date();
  certificate.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  certificate.validity.notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3600 * 1000);
  const name = [
    // A UTF8String, as certificate authorities write Greek names.
    {
      name: 'commonName',
      value: `${commonName} (development)`,
      // forge's types call the string's tag a class.
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    },
    { name: 'countryName', value: 'GR' },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [certificate], passphrase, {
    algorithm: '3des',
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/**
 * The seal the portal signs with: the configured PKCS#12 file; without one, in development, a
 * self-signed one made on first start and kept in `devFile` (so documents keep one signer across
 * restarts); in tests, one made in memory; in production, none (issuing then fails plainly).
 */
export async function loadSealIdentity(options: {
  p12Path: string;
  passphrase: string;
  nodeEnv: 'development' | 'production' | 'test';
  devFile: string;
  commonName: string;
}): Promise<SealIdentity | undefined> {
  if (options.p12Path) return readP12(await readFile(options.p12Path), options.passphrase);
  if (options.nodeEnv === 'production') return undefined;
  const passphrase = 'development';
  if (options.nodeEnv === 'test')
    return readP12(selfSignedP12(options.commonName, passphrase), passphrase);
  try {
    return readP12(await readFile(options.devFile), passphrase);
  } catch {
    const file = selfSignedP12(options.commonName, passphrase);
    await mkdir(path.dirname(options.devFile), { recursive: true });
    await writeFile(options.devFile, file, { mode: 0o600 });
    return readP12(file, passphrase);
  }
}
