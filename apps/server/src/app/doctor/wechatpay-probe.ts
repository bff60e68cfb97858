import {
  decryptCertificates,
  fetchTransport,
  type HttpTransport,
  parseApiV3Key,
  verifySignedMessageSync,
  type WechatPayClient,
} from "@kassa/wechatpay";
import { wechatPayClientFor } from "../../channels/wechatpay-client-for.ts";
import type { WechatPayCredentials } from "../../config.ts";
import type { Clock } from "../../domain/clock.ts";

/** WeChat Pay's raw answer, whatever its status: what the checks read. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  /** Kassa's clock when it arrived (epoch ms). */
  receivedAt: number;
}

/**
 * One signed `GET /v3/certificates` (§3.4) with an app's credentials, made by the same client
 * Kassa pays with (wechatPayClientFor), and what it showed: the answer, the signature check,
 * the platform certificates decrypted with the APIv3 key. Several checks read it; it is made
 * once per app.
 */
export interface WechatPayProbe {
  baseUrl: string;
  answer: RawAnswer | undefined;
  /** The client's own error when the call did not succeed (no answer, refused, not verified). */
  error: unknown;
  /** Why the client would not even send the call (its own checks of the credentials). */
  notSent: string | undefined;
  /** The answer's signature, checked with the keys configured (or just downloaded). */
  verification: { ok: true; serial: string } | { ok: false; reason: string } | undefined;
  /** Listed by the answer and decrypted; undefined when the answer listed none or was refused. */
  certificates: { serial: string; expiresAt: number }[] | undefined;
  /** Why the listed certificates did not decrypt (a wrong APIv3 key). */
  decryptError: string | undefined;
}

export async function probeWechatPay(
  credentials: WechatPayCredentials,
  clock: Clock,
): Promise<WechatPayProbe> {
  let answer: RawAnswer | undefined;
  // The client's own transport, watched: the last answer is kept, whatever its status.
  const recording: HttpTransport = async (request) => {
    const response = await fetchTransport(request);
    answer = { ...response, receivedAt: clock.now() };
    return response;
  };
  const baseUrl = credentials.baseUrl ?? "https://api.mch.weixin.qq.com";
  let client: WechatPayClient;
  try {
    // No retries and no backup host: the doctor asks whether the primary host takes these keys.
    client = wechatPayClientFor(credentials, clock, {
      backupBaseUrl: null,
      maxRetries: 0,
      transport: recording,
    });
  } catch (refused) {
    // The client checks its options as Kassa's start would (a 5-byte key, a malformed id):
    // nothing can be sent, and the checks of those values say why.
    return {
      baseUrl,
      answer: undefined,
      error: refused,
      notSent: refused instanceof Error ? refused.message : String(refused),
      verification: undefined,
      certificates: undefined,
      decryptError: undefined,
    };
  }
  let error: unknown;
  try {
    await client.requester.call({
      method: "GET",
      path: "/v3/certificates",
      kind: "read",
      operation: "doctor.certificates",
    });
  } catch (caught) {
    error = caught;
  }
  const decrypted = answer ? decrypt(answer, credentials.apiV3Key) : { certificates: undefined };
  return {
    baseUrl,
    answer,
    error,
    notSent: undefined,
    verification: answer ? verify(answer, client, clock) : undefined,
    certificates: decrypted.certificates,
    decryptError: decrypted.error,
  };
}

function decrypt(
  answer: RawAnswer,
  apiV3Key: string,
): { certificates: WechatPayProbe["certificates"]; error?: string } {
  if (answer.status !== 200) return { certificates: undefined };
  let listed: unknown;
  try {
    listed = (JSON.parse(answer.body.toString("utf8")) as { data?: unknown }).data;
  } catch {
    return { certificates: undefined, error: "the answer is not JSON" };
  }
  if (!Array.isArray(listed) || listed.length === 0) return { certificates: undefined };
  try {
    const key = parseApiV3Key(apiV3Key);
    const certificates = decryptCertificates(answer.body.toString("utf8"), key);
    return {
      certificates: certificates.map(({ serial, entry }) => ({ serial, expiresAt: entry.expiresAt })),
    };
  } catch (caught) {
    return { certificates: undefined, error: caught instanceof Error ? caught.message : String(caught) };
  }
}

/**
 * §3.2 over the raw bytes. WeChat Pay signs every 2xx answer and need not sign errors (§3.3):
 * an unsigned error answer has nothing to verify.
 */
function verify(answer: RawAnswer, client: WechatPayClient, clock: Clock): WechatPayProbe["verification"] {
  const signed = answer.headers.get("wechatpay-signature") !== null;
  if (!signed && answer.status >= 300) return undefined;
  try {
    const headers = verifySignedMessageSync(answer.headers, answer.body, client.keyring, {
      now: clock.now(),
    });
    return { ok: true, serial: headers.serial };
  } catch (caught) {
    return { ok: false, reason: caught instanceof Error ? caught.message : String(caught) };
  }
}
