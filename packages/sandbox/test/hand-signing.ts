import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  X509Certificate,
} from "node:crypto";

/**
 * The §2 and §3 rules written out again, on node:crypto only, independently of
 * packages/wechatpay: if the simulator and the client shared a mistake, tests signed and
 * checked with these would still catch it (issue 3, "Tests").
 */

export interface HandSigner {
  mchid: string;
  serialNo: string;
  privateKeyPem: string;
}

/**
 * §2: five lines `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, SHA256withRSA (PKCS#1 v1.5),
 * standard Base64, in `WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",timestamp="..",serial_no="..",signature=".."`.
 */
export function authorizationByHand(
  signer: HandSigner,
  request: { method: string; url: string; body: string; timestamp: number | string; nonce: string },
): string {
  const message = `${[request.method, request.url, String(request.timestamp), request.nonce, request.body].join("\n")}\n`;
  const signature = sign(
    "sha256",
    Buffer.from(message, "utf8"),
    createPrivateKey(signer.privateKeyPem),
  ).toString("base64");
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${signer.mchid}",nonce_str="${request.nonce}",` +
    `timestamp="${request.timestamp}",serial_no="${signer.serialNo}",signature="${signature}"`
  );
}

/** §3.2: `timestamp\nnonce\nbody\n` against the key named by Wechatpay-Serial (SPKI PEM or certificate PEM). */
export function verifyResponseByHand(headers: Headers, body: string, keyPem: string): boolean {
  const timestamp = headers.get("wechatpay-timestamp");
  const nonce = headers.get("wechatpay-nonce");
  const signature = headers.get("wechatpay-signature");
  if (!timestamp || !nonce || !signature) return false;
  const key = keyPem.includes("BEGIN CERTIFICATE")
    ? new X509Certificate(keyPem).publicKey
    : createPublicKey(keyPem);
  return verify(
    "sha256",
    Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, "utf8"),
    key,
    Buffer.from(signature, "base64"),
  );
}

/** §4.2: AES-256-GCM, key = the 32 ASCII bytes of the APIv3 key, IV = nonce bytes, tag = last 16 bytes. */
export function decryptByHand(
  apiV3Key: string,
  resource: { nonce: string; associated_data: string; ciphertext: string },
): string {
  const raw = Buffer.from(resource.ciphertext, "base64");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    Buffer.from(apiV3Key, "ascii"),
    Buffer.from(resource.nonce, "ascii"),
  );
  decipher.setAAD(Buffer.from(resource.associated_data, "ascii"));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}
