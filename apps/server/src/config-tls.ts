import { createPrivateKey, X509Certificate } from "node:crypto";
import type { EnvReader } from "./config-reader.ts";

/** Built-in HTTPS, for a Kassa with no proxy in front: PEM files, given to node:https as they are. */
export interface TlsSettings {
  certificatePem: string;
  privateKeyPem: string;
}

const CERT = "KASSA_TLS_CERT_FILE";
const KEY = "KASSA_TLS_KEY_FILE";

/**
 * KASSA_TLS_CERT_FILE and KASSA_TLS_KEY_FILE, both or neither (neither: plain HTTP, for the
 * proxy that terminates TLS). Checked here, at start, so a mistake is one line naming the file
 * and not a TLS handshake failing for every client later: the first file must hold a
 * certificate (its chain may follow), the second its unencrypted private key, the two must
 * belong together, and the certificate must be valid now. The key never appears in a problem.
 */
export function readTls(read: EnvReader, now = new Date()): TlsSettings | undefined {
  const certificatePem = read.optionalFile(CERT);
  const privateKeyPem = read.optionalFile(KEY);
  const certSet = read.optional(CERT) !== undefined;
  const keySet = read.optional(KEY) !== undefined;
  if (certSet !== keySet) {
    read.problem(
      `${certSet ? CERT : KEY} is set without ${certSet ? KEY : CERT}: built-in HTTPS needs both the certificate and its private key (or unset both and terminate TLS at a proxy)`,
    );
    return undefined;
  }
  if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
  let certificate: X509Certificate;
  try {
    // The first certificate of the file is the server's; intermediates may follow it.
    certificate = new X509Certificate(certificatePem);
  } catch {
    read.problem(`${CERT} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    read.problem(
      `${KEY} does not hold an unencrypted PEM private key (an encrypted key needs a passphrase Kassa does not take: openssl pkey -in KEY -out plain.pem)`,
    );
    return undefined;
  }
  if (!certificate.checkPrivateKey(key)) {
    read.problem(
      `${KEY} is not the private key of the certificate in ${CERT} (subject ${certificate.subject.replace(/\n/g, ", ")})`,
    );
    return undefined;
  }
  if (new Date(certificate.validTo) <= now || new Date(certificate.validFrom) > now) {
    read.problem(
      `the certificate in ${CERT} is not valid now (valid from ${certificate.validFrom} to ${certificate.validTo}): renew it`,
    );
    return undefined;
  }
  return { certificatePem, privateKeyPem };
}
