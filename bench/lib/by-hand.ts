import { type KeyObject, verify } from "node:crypto";

/**
 * Independent checks of what each implementation produced, written against the
 * reference (never with the code under test), so a benchmark never times a wrong answer.
 * Each throws with the case id and what was wrong.
 */

export class BenchCheckError extends Error {
  override name = "BenchCheckError";
}

export function expect(condition: unknown, caseId: string, what: string): asserts condition {
  if (!condition) throw new BenchCheckError(`${caseId}: ${what}`);
}

/** §2: parse `WECHATPAY2-SHA256-RSA2048 k="v",...` (any order) and verify the five-line message. */
export function checkAuthorization(
  caseId: string,
  header: unknown,
  expected: { method: string; pathAndQuery: string; body: string; mchid: string; serial: string },
  merchantPublicKey: KeyObject,
): void {
  expect(typeof header === "string", caseId, `Authorization is ${typeof header}, not a string`);
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
  expect(match, caseId, `Authorization has the wrong scheme: ${header.slice(0, 40)}`);
  const fields = new Map<string, string>();
  for (const pair of match[1]!.split(",")) {
    const parsed = /^([a-z_]+)="([^"]*)"$/.exec(pair);
    expect(parsed, caseId, `Authorization pair is not key="value": ${pair.slice(0, 40)}`);
    fields.set(parsed[1]!, parsed[2]!);
  }
  expect(fields.get("mchid") === expected.mchid, caseId, "Authorization mchid is wrong");
  expect(fields.get("serial_no") === expected.serial, caseId, "Authorization serial_no is wrong");
  const timestamp = fields.get("timestamp") ?? "";
  expect(/^\d{10}$/.test(timestamp), caseId, `timestamp ${timestamp} is not Unix seconds`);
  expect(Math.abs(Number(timestamp) - Date.now() / 1000) < 60, caseId, "timestamp is not now");
  const nonce = fields.get("nonce_str") ?? "";
  expect(nonce.length > 0, caseId, "nonce_str is empty");
  const message = `${expected.method}\n${expected.pathAndQuery}\n${timestamp}\n${nonce}\n${expected.body}\n`;
  const signature = Buffer.from(fields.get("signature") ?? "", "base64");
  expect(
    verify("sha256", Buffer.from(message), merchantPublicKey, signature),
    caseId,
    "Authorization signature does not verify over method, path, timestamp, nonce and body",
  );
}

/** §7.1: `appId\ntimeStamp\nnonceStr\npackage\n`, SHA256withRSA, with the merchant's key. */
export function checkPaySign(
  caseId: string,
  params: { appId?: unknown; timeStamp?: unknown; nonceStr?: unknown; package?: unknown; paySign?: unknown },
  expected: { appId: string; prepayId: string },
  merchantPublicKey: KeyObject,
): void {
  expect(params.appId === expected.appId, caseId, `paySign appId is ${String(params.appId)}`);
  expect(params.package === `prepay_id=${expected.prepayId}`, caseId, `package is ${String(params.package)}`);
  expect(typeof params.timeStamp === "string" && /^\d{10}$/.test(params.timeStamp), caseId, "bad timeStamp");
  expect(typeof params.nonceStr === "string" && params.nonceStr.length > 0, caseId, "empty nonceStr");
  expect(typeof params.paySign === "string", caseId, "paySign is missing");
  const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
  expect(
    verify("sha256", Buffer.from(message), merchantPublicKey, Buffer.from(params.paySign, "base64")),
    caseId,
    "paySign does not verify with the merchant public key",
  );
}

/** Runs `attempt` and says whether it refused (threw, rejected or returned false). */
export async function refuses(attempt: () => unknown): Promise<boolean> {
  try {
    return (await attempt()) === false;
  } catch {
    return true;
  }
}
