import { createHash, sign as rsaSign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
const oids = forge.pki.oids;

const oid = (id: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const seq = (items: forge.asn1.Asn1[]) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const octets = (bytes: Buffer) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const integer = (value: number) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
const sha256Algorithm = () =>
  seq([oid(oids.sha256!), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]);
const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');

/** id-aa-signingCertificateV2 (RFC 5035): binds the signature to the signer's certificate. */
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/**
 * A detached CMS SignedData over `content` (the PDF's signed byte ranges), as PAdES baseline B
 * wants it (ETSI.CAdES.detached): signed attributes content type, message digest and the ESS
 * signing-certificate-v2; SHA-256 with RSA; the signer's certificate included. The RSA operation
 * is Node's own (OpenSSL); node-forge only builds the ASN.1.
 */
export function detachedCms(
  content: Buffer,
  key: KeyObject,
  certificate: forge.pki.Certificate,
  chain: readonly forge.pki.Certificate[] = [],
): Buffer {
  const certificateAsn1 = forge.pki.certificateToAsn1(certificate);
  const certificateDer = der(certificateAsn1);
  const signedAttributes = [
    attribute(oids.contentType!, oid(oids.data!)),
    attribute(oids.messageDigest!, octets(createHash('sha256').update(content).digest())),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the
    // default hash algorithm (SHA-256) leaves it out.
    attribute(
      SIGNING_CERTIFICATE_V2,
      seq([seq([seq([octets(createHash('sha256').update(certificateDer).digest())])])]),
    ),
  ];
  // The signature covers the attributes' DER as a SET (RFC 5652 §5.4), then goes in as [0].
  const signature = rsaSign('sha256', der(set(signedAttributes)), key);
  const issuerAndSerial = seq([...issuerAndSerialOf(certificateAsn1)]);
  const signerInfo = seq([
    integer(1),
    issuerAndSerial,
    sha256Algorithm(),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, signedAttributes),
    seq([oid(oids.rsaEncryption!), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
    octets(signature),
  ]);
  const signedData = seq([
    integer(1),
    set([sha256Algorithm()]),
    seq([oid(oids.data!)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      certificateAsn1,
      ...chain.map((ca) => forge.pki.certificateToAsn1(ca)),
    ]),
    set([signerInfo]),
  ]);
  return der(
    seq([oid(oids.signedData!), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]),
  );
}

/**
 * The issuer and serial number exactly as the certificate holds them (its TBSCertificate's own
 * nodes): rebuilt from forge's parsed name, a UTF8String issuer (as CAs write Greek names) would
 * come out encoded twice, and verifiers would not find the signer.
 */
function issuerAndSerialOf(certificateAsn1: forge.asn1.Asn1): [forge.asn1.Asn1, forge.asn1.Asn1] {
  const tbs = (certificateAsn1.value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  // version [0] EXPLICIT is optional (v1 certificates leave it out).
  const first = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return [fields[first + 2]!, fields[first]!];
}
