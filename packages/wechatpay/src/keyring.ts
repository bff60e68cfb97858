import { type KeyObject, X509Certificate } from "node:crypto";
import { type ApiV3Key, decryptAeadAes256Gcm } from "./aead.ts";
import { VerificationError, WechatPayError } from "./errors.ts";
import type { HeaderSource } from "./headers.ts";
import { normaliseSerial } from "./keys.ts";
import { type RefreshableVerificationKeys, verifySignedMessageSync } from "./verify.ts";

/**
 * The WeChat Pay keys a merchant verifies with (reference §3.4), keyed strictly by the
 * `Wechatpay-Serial` they sign under:
 * - public-key mode: one `PUB_KEY_ID_...` key that never expires (all new merchants);
 * - certificate mode: platform certificates from `/v3/certificates`, refreshed in under
 *   12 hours, every unexpired one kept through a rotation;
 * - both at once during a migration, when callbacks switch gradually over 7 days.
 */

/** The raw, still-signed answer of `GET /v3/certificates`. */
export interface CertificatesResponse {
  headers: HeaderSource;
  body: string;
}

export interface CertificateModeOptions {
  /** Performs the signed GET /v3/certificates and returns the raw answer, unverified. */
  download: () => Promise<CertificatesResponse>;
  apiV3Key: ApiV3Key;
  /** §3.4: official guidance is to refresh at intervals under 12 hours. */
  refreshIntervalMs?: number;
  /**
   * An unknown serial triggers one refresh, but no more often than this: forged
   * notifications with random serials must not turn into a download per request.
   */
  unknownSerialCooldownMs?: number;
}

export interface KeyringOptions {
  /** Epoch milliseconds. */
  clock: () => number;
  publicKey?: { id: string; key: KeyObject };
  /** Platform certificate PEMs configured by hand (certificate mode without download). */
  certificatePems?: readonly string[];
  certificates?: CertificateModeOptions;
}

interface PlatformKey {
  key: KeyObject;
  /** Epoch ms after which the key is no longer used; Infinity for a public key. */
  expiresAt: number;
  /** Epoch ms from which the key is valid; newest-first for encryption (§6). */
  effectiveAt: number;
}

const ELEVEN_HOURS = 11 * 60 * 60 * 1000;
const ONE_MINUTE = 60 * 1000;

export class WechatPayKeyring implements RefreshableVerificationKeys {
  readonly #keys = new Map<string, PlatformKey>();
  readonly #clock: () => number;
  readonly #certificates: CertificateModeOptions | undefined;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;
  #lastUnknownSerialRefreshAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(options: KeyringOptions) {
    this.#clock = options.clock;
    this.#certificates = options.certificates;
    if (options.publicKey) {
      this.#keys.set(options.publicKey.id, {
        key: options.publicKey.key,
        expiresAt: Infinity,
        effectiveAt: 0,
      });
    }
    for (const pem of options.certificatePems ?? []) this.addCertificate(pem);
    if (this.#keys.size === 0 && !this.#certificates) {
      throw new WechatPayError(
        "CONFIG_INVALID",
        "no WeChat Pay key: configure the WeChat Pay public key and its PUB_KEY_ID, or certificate mode",
      );
    }
  }

  /** The key for a serial, if held and unexpired. */
  find(serial: string): KeyObject | undefined {
    const entry = this.#keys.get(normaliseSerial(serial));
    return entry && entry.expiresAt > this.#clock() ? entry.key : undefined;
  }

  knownSerials(): string[] {
    const now = this.#clock();
    return [...this.#keys].filter(([, entry]) => entry.expiresAt > now).map(([serial]) => serial);
  }

  /** §3.4: on an unknown serial, refresh the certificates once, then look again. */
  async resolve(serial: string): Promise<KeyObject | undefined> {
    const found = this.find(serial);
    if (found || !this.#certificates) return found;
    const now = this.#clock();
    const cooldown = this.#certificates.unknownSerialCooldownMs ?? ONE_MINUTE;
    if (now - this.#lastUnknownSerialRefreshAt >= cooldown) {
      this.#lastUnknownSerialRefreshAt = now;
      await this.refresh().catch(() => undefined); // the caller reports VERIFY_SERIAL_UNKNOWN
    }
    return this.find(serial);
  }

  /** Refresh if certificate mode is on and the last refresh is older than the interval. */
  async ensureFresh(): Promise<void> {
    if (!this.#certificates) return;
    const interval = this.#certificates.refreshIntervalMs ?? ELEVEN_HOURS;
    if (this.#clock() - this.#lastRefreshAt >= interval) await this.refresh();
  }

  /** Download, decrypt, check and merge the platform certificates; one download at a time. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#download().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Add a platform certificate PEM; returns its serial. */
  addCertificate(pem: string): string {
    const certificate = new X509Certificate(pem);
    const serial = normaliseSerial(certificate.serialNumber);
    this.#keys.set(serial, {
      key: certificate.publicKey,
      expiresAt: Date.parse(certificate.validTo),
      effectiveAt: Date.parse(certificate.validFrom),
    });
    return serial;
  }

  /**
   * The key to encrypt sensitive fields with (§6): the WeChat Pay public key when held,
   * else the newest unexpired platform certificate. Send its serial as `Wechatpay-Serial`.
   */
  encryptionKey(): { serial: string; key: KeyObject } {
    const now = this.#clock();
    let best: [string, PlatformKey] | undefined;
    for (const entry of this.#keys) {
      const [serial, key] = entry;
      if (key.expiresAt <= now) continue;
      const isPublicKey = serial.startsWith("PUB_KEY_ID_");
      if (
        !best ||
        isPublicKey ||
        (!best[0].startsWith("PUB_KEY_ID_") && key.effectiveAt > best[1].effectiveAt)
      ) {
        best = entry;
      }
    }
    if (!best) throw new WechatPayError("CONFIG_INVALID", "no unexpired WeChat Pay key to encrypt with");
    return { serial: best[0], key: best[1].key };
  }

  /** The serial to announce in `Wechatpay-Serial` on every request (§2 "Extra request header"). */
  preferredSerial(): string | undefined {
    return this.knownSerials().length > 0 ? this.encryptionKey().serial : undefined;
  }

  async #download(): Promise<void> {
    const options = this.#certificates;
    if (!options) return;
    let response: CertificatesResponse;
    try {
      response = await options.download();
    } catch (error) {
      throw new WechatPayError("CERTIFICATES_UNAVAILABLE", "the download of /v3/certificates failed", {
        cause: error,
        retryable: true,
      });
    }
    const downloaded = decryptCertificates(response.body, options.apiV3Key);
    const now = this.#clock();
    // Bootstrapping (§3.4): trust comes from decrypting with the APIv3 key; the answer's
    // signature must then check out with a key we held or one it just delivered.
    const candidates = new Map(this.#keys);
    for (const certificate of downloaded) candidates.set(certificate.serial, certificate.entry);
    const candidateKeys = {
      find: (serial: string) => candidates.get(normaliseSerial(serial))?.key,
      knownSerials: () => [...candidates.keys()],
    };
    try {
      verifySignedMessageSync(response.headers, response.body, candidateKeys, { now });
    } catch (error) {
      throw new WechatPayError(
        "CERTIFICATES_UNAVAILABLE",
        "the /v3/certificates answer failed verification",
        {
          cause: error,
          diagnostics: error instanceof VerificationError ? error.diagnostics : {},
        },
      );
    }
    for (const certificate of downloaded) this.#keys.set(certificate.serial, certificate.entry);
    for (const [serial, entry] of this.#keys) if (entry.expiresAt <= now) this.#keys.delete(serial);
    this.#lastRefreshAt = now;
  }
}

interface EncryptedCertificate {
  serial_no: string;
  effective_time: string;
  expire_time: string;
  encrypt_certificate: { algorithm: string; associated_data: string; nonce: string; ciphertext: string };
}

/** §3.4: each `encrypt_certificate` decrypts with the APIv3 key to an X.509 PEM. */
function decryptCertificates(body: string, apiV3Key: ApiV3Key): { serial: string; entry: PlatformKey }[] {
  let data: EncryptedCertificate[];
  try {
    data = (JSON.parse(body) as { data: EncryptedCertificate[] }).data;
    if (!Array.isArray(data)) throw new Error("no data array");
  } catch (error) {
    throw new WechatPayError(
      "CERTIFICATES_UNAVAILABLE",
      "the /v3/certificates answer is not { data: [...] }",
      {
        cause: error,
      },
    );
  }
  return data.map((item) => {
    const { algorithm, associated_data, nonce, ciphertext } = item.encrypt_certificate;
    if (algorithm !== "AEAD_AES_256_GCM") {
      throw new WechatPayError("CERTIFICATES_UNAVAILABLE", `certificate ${item.serial_no} uses ${algorithm}`);
    }
    const pem = decryptAeadAes256Gcm(apiV3Key, {
      nonce,
      associatedData: associated_data,
      ciphertext,
    }).toString();
    const certificate = new X509Certificate(pem);
    const serial = normaliseSerial(certificate.serialNumber);
    if (serial !== normaliseSerial(item.serial_no)) {
      throw new WechatPayError(
        "CERTIFICATES_UNAVAILABLE",
        `serial_no ${item.serial_no} does not match the certificate inside (${serial})`,
      );
    }
    const expiresAt = Math.min(Date.parse(certificate.validTo), Date.parse(item.expire_time) || Infinity);
    return {
      serial,
      entry: { key: certificate.publicKey, expiresAt, effectiveAt: Date.parse(certificate.validFrom) },
    };
  });
}
