import { createHash, X509Certificate } from "node:crypto";
import { AlipayError } from "./errors.ts";

/**
 * Certificate serial numbers as Alipay defines them (reference A.3, "Public-key mode vs
 * certificate mode"; confirmed against alipay-sdk `antcertutil.ts` and gopay `GetCertSN`):
 *
 * - cert SN: hex MD5 of the issuer DN, its attributes in *reverse* order written
 *   `CN=…,OU=…,O=…,C=…` without spaces, followed by the serial number in decimal;
 * - root cert SN: the SNs of every certificate in the root bundle whose signature algorithm
 *   is RSA-family (OID 1.2.840.113549.1.1.*), joined with `_`; SM2/ECC ones are skipped.
 *
 * The issuer is read from the certificate's DER here, not from Node's `X509Certificate.issuer`
 * text, which escapes characters and orders attributes its own way. Values are written as
 * they are, unescaped, as alipay-sdk does (a value such as "iTrusChina Co.,Ltd." keeps its comma).
 */

/**
 * `app_cert_sn` or `alipay_cert_sn`: the SN of a certificate file's first certificate (PEM).
 * A certificate file may carry its issuing chain after it, and alipay-sdk reads the first
 * one only (`Certificate.fromPEM`, antcertutil.ts), so Kassa does too; Node's
 * `X509Certificate` also reads the first, so the key and the SN come from one certificate.
 */
export function certificateSn(certificatePem: string | Buffer): string {
  const [first] = splitPems(certificatePem.toString());
  if (first === undefined) throw new AlipayError("CONFIG_INVALID", "the file holds no PEM certificate");
  return snOf(parseCertificate(first));
}

/** `alipay_root_cert_sn`: the SNs of the RSA-signed certificates of the root bundle, joined by `_`. */
export function rootCertificateSn(rootBundlePem: string | Buffer): string {
  const pems = splitPems(rootBundlePem.toString());
  if (pems.length === 0)
    throw new AlipayError("CONFIG_INVALID", "the Alipay root certificate bundle has no certificate");
  const sns = pems
    .map(parseCertificate)
    .filter((certificate) => certificate.signatureOid.startsWith(RSA_FAMILY_OID))
    .map(snOf);
  if (sns.length === 0) {
    throw new AlipayError(
      "CONFIG_INVALID",
      "the Alipay root certificate bundle has no RSA-signed certificate",
    );
  }
  return sns.join("_");
}

const RSA_FAMILY_OID = "1.2.840.113549.1.1.";

interface ParsedCertificate {
  issuer: { shortName: string; value: string }[];
  serialDecimal: string;
  signatureOid: string;
}

function snOf(certificate: ParsedCertificate): string {
  const issuer = certificate.issuer
    .toReversed()
    .map(({ shortName, value }) => `${shortName}=${value}`)
    .join(",");
  return createHash("md5")
    .update(issuer + certificate.serialDecimal, "utf8")
    .digest("hex");
}

function splitPems(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The attribute names alipay-sdk (through @fidm/x509) writes; any other is refused, never guessed. */
const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "E",
};

function parseCertificate(pem: string): ParsedCertificate {
  let der: Buffer;
  try {
    der = new X509Certificate(pem).raw;
  } catch (error) {
    throw new AlipayError("CONFIG_INVALID", "not a readable PEM X.509 certificate", { cause: error });
  }
  try {
    // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    const certificate = readTlv(der, 0, 0x30);
    const tbs = readTlv(der, certificate.contentStart, 0x30);
    const signatureAlgorithm = readTlv(der, tbs.end, 0x30);
    const signatureOid = decodeOid(der, readTlv(der, signatureAlgorithm.contentStart, 0x06));
    // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, ... }
    let offset = tbs.contentStart;
    if (der[offset] === 0xa0) offset = readTlv(der, offset, 0xa0).end;
    const serial = readTlv(der, offset, 0x02);
    const signature = readTlv(der, serial.end, 0x30);
    const issuerName = readTlv(der, signature.end, 0x30);
    return {
      issuer: readName(der, issuerName),
      serialDecimal: BigInt(`0x${der.subarray(serial.contentStart, serial.end).toString("hex")}`).toString(
        10,
      ),
      signatureOid,
    };
  } catch (error) {
    if (error instanceof AlipayError) throw error;
    throw new AlipayError("CONFIG_INVALID", "the certificate's DER could not be read", { cause: error });
  }
}

interface Tlv {
  tag: number;
  contentStart: number;
  end: number;
}

function readTlv(der: Buffer, offset: number, expectedTag?: number): Tlv {
  const tag = der[offset];
  if (tag === undefined || (expectedTag !== undefined && tag !== expectedTag)) {
    throw new AlipayError("CONFIG_INVALID", `unexpected DER tag ${tag} at ${offset} in a certificate`);
  }
  let length = der[offset + 1] ?? 0;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4)
      throw new AlipayError("CONFIG_INVALID", "unsupported DER length in a certificate");
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += bytes;
  }
  const end = contentStart + length;
  if (end > der.length) throw new AlipayError("CONFIG_INVALID", "truncated DER in a certificate");
  return { tag, contentStart, end };
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY } (RFC 5280 §4.1.2.4), in order. */
function readName(der: Buffer, name: Tlv): { shortName: string; value: string }[] {
  const attributes: { shortName: string; value: string }[] = [];
  for (let rdnOffset = name.contentStart; rdnOffset < name.end; ) {
    const rdn = readTlv(der, rdnOffset, 0x31);
    for (let offset = rdn.contentStart; offset < rdn.end; ) {
      const attribute = readTlv(der, offset, 0x30);
      const type = readTlv(der, attribute.contentStart, 0x06);
      const oid = decodeOid(der, type);
      const shortName = SHORT_NAMES[oid];
      if (!shortName) {
        throw new AlipayError(
          "CONFIG_INVALID",
          `the certificate issuer has attribute ${oid}, which Alipay's SN rule does not name`,
        );
      }
      attributes.push({ shortName, value: decodeString(der, readTlv(der, type.end)) });
      offset = attribute.end;
    }
    rdnOffset = rdn.end;
  }
  return attributes;
}

function decodeString(der: Buffer, value: Tlv): string {
  const bytes = der.subarray(value.contentStart, value.end);
  switch (value.tag) {
    case 0x0c: // UTF8String
      return bytes.toString("utf8");
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString, read as Latin-1
      return bytes.toString("latin1");
    case 0x1e: // BMPString (UTF-16BE)
      return Buffer.from(bytes).swap16().toString("utf16le");
    default:
      throw new AlipayError(
        "CONFIG_INVALID",
        `unsupported string type ${value.tag} in the certificate issuer`,
      );
  }
}

function decodeOid(der: Buffer, oid: Tlv): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = oid.contentStart; i < oid.end; i++) {
    const byte = der[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}
