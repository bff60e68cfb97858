import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs it
import { generateKeyPair, webcrypto } from "node:crypto";
import { promisify } from "node:util";
import * as x509 from "@peculiar/x509";

/**
 * RSA-2048 key pairs and X.509 certificates for the simulated parties. Node can parse
 * certificates but not make them, so @peculiar/x509 (pure JS over WebCrypto) does that.
 *
 * One sandbox CA (kept in the simulator's state) issues both the merchants' API
 * certificates and the platform certificates, as Tenpay's CA does for real ones: clients
 * that look at the issuer see a chain, not a pile of self-signed certificates.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const generateRsa = promisify(generateKeyPair);
const SIGNING = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export interface KeyPairPem {
  /** PKCS#8, the `apiclient_key.pem` format (§2 "Keys"). */
  privateKeyPem: string;
  /** SPKI, the `wechatpay_public_key.pem` format (§3.4). */
  publicKeyPem: string;
}

export interface CertificateAuthority {
  privateKeyPem: string;
  certificatePem: string;
}

/** A distinguished name as ordered attribute/value pairs (no string escaping to get wrong). */
export type DistinguishedName = [attribute: string, value: string][];

/** Off the event loop: key generation runs on libuv's thread pool (~50-100 ms each). */
export async function generateRsaKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateRsa("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const TENPAY_ROOT_NAME: DistinguishedName = [
  ["CN", "Tenpay.com Root CA (Kassa sandbox)"],
  ["OU", "Tenpay.com CA Center"],
  ["O", "Tenpay.com"],
  ["C", "CN"],
];

/** A self-signed root; Tenpay's name unless another is given (the Alipay gateway names its own). */
export async function createCertificateAuthority(
  now: number,
  subject: DistinguishedName = TENPAY_ROOT_NAME,
): Promise<CertificateAuthority> {
  const pair = await generateRsaKeyPair();
  const name = toName(subject);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: "01",
    subject: name,
    issuer: name,
    notBefore: new Date(now - 24 * 3600 * 1000),
    notAfter: new Date(now + 20 * 365 * 24 * 3600 * 1000),
    signingAlgorithm: SIGNING,
    publicKey: await importPublic(pair.publicKeyPem),
    signingKey: await importPrivate(pair.privateKeyPem),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { privateKeyPem: pair.privateKeyPem, certificatePem: certificate.toString("pem") };
}

export interface CertificateRequest {
  subject: DistinguishedName;
  /** 40 hex characters (§2: WeChat Pay serials are 40 upper-case hex). */
  serialHex: string;
  publicKeyPem: string;
  notBefore: number;
  notAfter: number;
}

/** A leaf certificate signed by the sandbox CA; returns its PEM. */
export async function issueCertificate(
  ca: CertificateAuthority,
  request: CertificateRequest,
): Promise<string> {
  const authority = new x509.X509Certificate(ca.certificatePem);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: request.serialHex,
    subject: toName(request.subject),
    issuer: authority.subjectName,
    notBefore: new Date(request.notBefore),
    notAfter: new Date(request.notAfter),
    signingAlgorithm: SIGNING,
    publicKey: await importPublic(request.publicKeyPem),
    signingKey: await importPrivate(ca.privateKeyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.nonRepudiation |
          x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
    ],
  });
  return certificate.toString("pem");
}

function toName(pairs: DistinguishedName): x509.JsonName {
  return pairs.map(([attribute, value]) => ({ [attribute]: [value] }));
}

// Node's webcrypto keys are what @peculiar/x509 expects at run time; only their TS types differ.
type X509Key = x509.X509CertificateCreateWithKeyParams["signingKey"];

async function importPublic(pem: string): Promise<X509Key> {
  return (await webcrypto.subtle.importKey("spki", pemBody(pem), SIGNING, true, [
    "verify",
  ])) as unknown as X509Key;
}

async function importPrivate(pem: string): Promise<X509Key> {
  return (await webcrypto.subtle.importKey("pkcs8", pemBody(pem), SIGNING, false, [
    "sign",
  ])) as unknown as X509Key;
}

function pemBody(pem: string): ArrayBuffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}
