import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs it
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  webcrypto,
} from "node:crypto";
import * as x509 from "@peculiar/x509";

/**
 * Test identities made fresh for each run: the app's and Alipay's RSA-2048 key pairs, and for
 * certificate mode (reference A.3) a small PKI shaped like Alipay's: an RSA root and an ECDSA
 * root in one bundle (the ECDSA one stands for the SM2 root that the root SN skips), the app
 * certificate and the Alipay public certificate both issued by the RSA root.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Bare Base64 of PKCS#8 DER, as Alipay's key tool writes the app private key. */
  privateKeyBase64: string;
  /** Bare Base64 of SPKI DER, as Alipay's console shows the "Alipay public key". */
  publicKeyBase64: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function makeKeyPair(): TestKeyPair {
  const { privateKey: privateKeyPem, publicKey: publicKeyPem } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    privateKey: createPrivateKey(privateKeyPem),
    publicKey: createPublicKey(publicKeyPem),
    privateKeyBase64: pemBase64(privateKeyPem),
    publicKeyBase64: pemBase64(publicKeyPem),
    privateKeyPem,
    publicKeyPem,
  };
}

export interface TestPki {
  app: TestKeyPair;
  alipay: TestKeyPair;
  appCertPem: string;
  alipayCertPem: string;
  /** An RSA root, an ECDSA root, then a second RSA root whose O has a comma. */
  rootBundlePem: string;
}

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const ECDSA = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
type Keys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];

const ROOT_NAME = [
  { C: ["CN"] },
  { O: ["Ant Financial"] },
  { OU: ["Certification Authority"] },
  { CN: ["Ant Financial Certification Authority R1"] },
];

export async function makePki(app: TestKeyPair, alipay: TestKeyPair): Promise<TestPki> {
  const rootKey = makeKeyPair();
  const rootKeys = await webcryptoKeys(rootKey);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "623e16a8c3d6c5b9a1e2",
    name: ROOT_NAME,
    signingAlgorithm: RSA,
    keys: rootKeys as unknown as Keys,
  });
  const ecKeys = (await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as unknown as Keys;
  const ecRoot = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0d0b",
    name: "C=CN, O=Ant Financial, CN=Ant Financial Certification Authority E1",
    signingAlgorithm: ECDSA,
    keys: ecKeys,
  });
  const secondRoot = await x509.X509CertificateGenerator.createSelfSigned({
    // A leading byte >= 0x80 makes DER pad the serial with 00; the decimal SN must not change.
    serialNumber: "00f1e2d3c4b5a69788",
    name: [{ C: ["CN"] }, { O: ["iTrusChina Co.,Ltd."] }, { CN: ["iTrusChina Class 2 Root CA - G3"] }],
    signingAlgorithm: RSA,
    keys: rootKeys as unknown as Keys,
  });
  const issue = async (pair: TestKeyPair, commonName: string, serialNumber: string) => {
    const keys = await webcryptoKeys(pair);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: [{ C: ["CN"] }, { O: ["Kassa Test"] }, { OU: ["Alipay"] }, { CN: [commonName] }],
      issuer: root.subject,
      publicKey: keys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: RSA,
    });
    return certificate.toString("pem");
  };
  return {
    app,
    alipay,
    appCertPem: await issue(app, "2021000000000001", "2025061300000001"),
    alipayCertPem: await issue(alipay, "Alipay Public Key RSA2", "2025061300000777"),
    rootBundlePem: [root, ecRoot, secondRoot].map((certificate) => certificate.toString("pem")).join("\n"),
  };
}

async function webcryptoKeys(pair: TestKeyPair) {
  return {
    privateKey: await webcrypto.subtle.importKey("pkcs8", der(pair.privateKeyBase64), RSA, true, ["sign"]),
    publicKey: await webcrypto.subtle.importKey("spki", der(pair.publicKeyBase64), RSA, true, ["verify"]),
  };
}

function pemBase64(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}

function der(base64: string): ArrayBuffer {
  const bytes = Buffer.from(base64, "base64");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
