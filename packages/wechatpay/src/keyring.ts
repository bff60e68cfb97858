import { type KeyObject, X509Certificate } from "node:crypto";
import type { ApiV3Key } from "./aead.ts";
import { VerificationError, WechatPayError } from "./errors.ts";
import type { HeaderSource } from "./headers.ts";
import { normaliseSerial } from "./keys.ts";
import { decryptCertificates, type PlatformKey } from "./platform-certificates.ts";
import {
  type RefreshableVerificationKeys,
  type VerificationKeys,
  verifySignedMessageSync,
} from "./verify.ts";

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
  /** §3.4: official guidance is to refresh at intervals under 12 hours. Default 11 h. */
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

const PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_";
const TWELVE_HOURS = 12 * 60 * 60 * 1000;
const ELEVEN_HOURS = 11 * 60 * 60 * 1000;
const ONE_MINUTE = 60 * 1000;

export class WechatPayKeyring implements RefreshableVerificationKeys {
  readonly #keys = new Map<string, PlatformKey>();
  readonly #clock: () => number;
  readonly #certificates: CertificateModeOptions | undefined;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;
  #lastUnknownSerialRefreshAt = Number.NEGATIVE_INFINITY;
  #lastFailedRefreshAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(options: KeyringOptions) {
    this.#clock = options.clock;
    this.#certificates = options.certificates;
    const interval = options.certificates?.refreshIntervalMs;
    if (interval !== undefined && !(interval > 0 && interval < TWELVE_HOURS)) {
      throw new WechatPayError(
        "CONFIG_INVALID",
        `refreshIntervalMs must be above 0 and under 12 hours (§3.4), got ${interval}`,
      );
    }
    if (options.publicKey) this.#addPublicKey(options.publicKey.id, options.publicKey.key);
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

  /**
   * §3.4: on an unknown serial, refresh the certificates once, then look again. A refresh
   * already in flight is awaited (a rotation's first callbacks arrive together); outside
   * one, a new download starts at most once per cooldown.
   */
  async resolve(serial: string): Promise<KeyObject | undefined> {
    const found = this.find(serial);
    if (found || !this.#certificates) return found;
    const now = this.#clock();
    const cooldown = this.#certificates.unknownSerialCooldownMs ?? ONE_MINUTE;
    if (this.#refreshing) {
      await this.#refreshing.catch(() => undefined);
    } else if (now - this.#lastUnknownSerialRefreshAt >= cooldown) {
      this.#lastUnknownSerialRefreshAt = now;
      // A failed download is not this caller's error: it reports VERIFY_SERIAL_UNKNOWN.
      await this.refresh().catch(() => undefined);
    }
    return this.find(serial);
  }

  /**
   * Refresh if certificate mode is on and the last refresh is older than the interval.
   * After a failed refresh it waits a minute before trying again: callers run this before
   * every request, and an outage of /v3/certificates must not add a download to each one
   * (the certificates held stay valid; they live 5 years, §3.4).
   */
  async ensureFresh(): Promise<void> {
    if (!this.#certificates) return;
    const interval = this.#certificates.refreshIntervalMs ?? ELEVEN_HOURS;
    const now = this.#clock();
    if (now - this.#lastRefreshAt < interval || now - this.#lastFailedRefreshAt < ONE_MINUTE) return;
    await this.refresh();
  }

  /** Download, decrypt, check and merge the platform certificates; one download at a time. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#download()
      .catch((error: unknown) => {
        this.#lastFailedRefreshAt = this.#clock();
        throw error;
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /** Add a platform certificate PEM configured by hand; returns its serial. */
  addCertificate(pem: string): string {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (error) {
      throw new WechatPayError("CONFIG_INVALID", "a platform certificate is not a readable PEM X.509", {
        cause: error,
      });
    }
    assertRsa(certificate.publicKey, "platform certificate");
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
      const isPublicKey = serial.startsWith(PUBLIC_KEY_ID_PREFIX);
      if (
        !best ||
        isPublicKey ||
        (!best[0].startsWith(PUBLIC_KEY_ID_PREFIX) && key.effectiveAt > best[1].effectiveAt)
      ) {
        best = entry;
      }
    }
    if (best) return { serial: best[0], key: best[1].key };
    throw this.#certificates
      ? new WechatPayError(
          "CERTIFICATES_UNAVAILABLE",
          "no unexpired platform certificate yet: refresh() first",
        )
      : new WechatPayError("CONFIG_INVALID", "no unexpired WeChat Pay key to encrypt with");
  }

  /** The serial to announce in `Wechatpay-Serial` on every request (§2 "Extra request header"). */
  preferredSerial(): string | undefined {
    // Asked on every request: look for one unexpired key without listing them all.
    const now = this.#clock();
    for (const entry of this.#keys.values()) {
      if (entry.expiresAt > now) return this.encryptionKey().serial;
    }
    return undefined;
  }

  #addPublicKey(id: string, key: KeyObject): void {
    if (!id.startsWith(PUBLIC_KEY_ID_PREFIX)) {
      // §3.4: the id is what Wechatpay-Serial carries in public-key mode; a certificate
      // serial or a typo here would make every signature "unknown serial".
      throw new WechatPayError("CONFIG_INVALID", `the WeChat Pay public key id must start with PUB_KEY_ID_`);
    }
    assertRsa(key, "WeChat Pay public key");
    this.#keys.set(id, { key, expiresAt: Infinity, effectiveAt: 0 });
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
    // signature must then check out with an unexpired key we held or one it just delivered.
    const candidates = new Map(this.#keys);
    for (const certificate of downloaded) candidates.set(certificate.serial, certificate.entry);
    const candidateKeys: VerificationKeys = {
      find: (serial) => {
        const entry = candidates.get(normaliseSerial(serial));
        return entry && entry.expiresAt > now ? entry.key : undefined;
      },
      knownSerials: () =>
        [...candidates].filter(([, entry]) => entry.expiresAt > now).map(([serial]) => serial),
    };
    try {
      verifySignedMessageSync(response.headers, response.body, candidateKeys, { now });
    } catch (error) {
      throw new WechatPayError(
        "CERTIFICATES_UNAVAILABLE",
        "the /v3/certificates answer failed verification",
        {
          cause: error,
          diagnostics: error instanceof VerificationError ? { ...error.diagnostics, code: error.code } : {},
        },
      );
    }
    for (const certificate of downloaded) this.#keys.set(certificate.serial, certificate.entry);
    for (const [serial, entry] of this.#keys) if (entry.expiresAt <= now) this.#keys.delete(serial);
    this.#lastRefreshAt = now;
  }
}

function assertRsa(key: KeyObject, what: string): void {
  // §3.2: WeChat Pay signs with SHA256withRSA only.
  if (key.asymmetricKeyType !== "rsa") {
    throw new WechatPayError("CONFIG_INVALID", `the ${what} is ${key.asymmetricKeyType}, not RSA`);
  }
}
