import { verify } from "node:crypto";
import { verifySignedMessage, verifySignedMessageSync } from "@kassa/wechatpay";
import { Decorator, Formatter, Rsa } from "wechatpay-axios-plugin";
import { expect, refuses } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { type SignedMessage, withTamperedBody } from "../lib/messages.ts";

/**
 * §3.2 verification of a 97 B API answer and of a ~1.6 KB notification. Plain and the
 * peers check the RSA signature only (axios-plugin's response verifier also checks the
 * headers and the clock); Kassa also reads and checks every Wechatpay-* header, the
 * signature type, the ±300 s window (§3.3), the probe prefix (§3.5) and strict Base64.
 */

type Verifier = (message: SignedMessage) => unknown;

interface Row {
  suffix: string;
  implementation: string;
  role: BenchCase["role"];
  mode: "sync" | "async";
  verify: Verifier;
  /** What a success looks like (every verifier has its own way of saying yes). */
  accepted: (result: unknown, message: SignedMessage) => boolean;
}

export function verifyCases(context: BenchContext): BenchCase[] {
  const { plain, kassa, nodeV3, axios, fixtures } = context;
  const plainVerify: Verifier = (m) =>
    verify(
      "sha256",
      Buffer.from(`${m.timestamp}\n${m.nonce}\n${m.body}\n`),
      plain.publicKey,
      Buffer.from(m.signature, "base64"),
    );
  const isTrue = (result: unknown) => result === true;
  const resolved = (result: unknown) => result !== undefined && result !== false;
  // README: "node 取头部信息时需要用小写 req.headers['wechatpay-timestamp']".
  const nodeV3Verify: Verifier = (m) =>
    nodeV3.pay.verifySign({
      timestamp: m.nodeHeaders["wechatpay-timestamp"]!,
      nonce: m.nodeHeaders["wechatpay-nonce"]!,
      body: m.body,
      serial: m.nodeHeaders["wechatpay-serial"]!,
      signature: m.nodeHeaders["wechatpay-signature"]!,
    });
  const nodeV3Row: Omit<Row, "suffix"> = {
    implementation: "wechatpay-node-v3 verifySign (README: PEM from Pay.certificates, async)",
    role: "peer",
    mode: "async",
    verify: nodeV3Verify,
    accepted: isTrue,
  };

  // The transformResponse step of every wxpay.v3 answer; `this` is the request config.
  const verifier = Decorator.responseVerifier(axios.certs) as (
    this: { url: string; validateStatus: (status: number) => boolean },
    data: string,
    headers: Record<string, string>,
    status: number,
  ) => unknown;
  const axiosConfig = {
    url: "v3/pay/transactions/jsapi",
    validateStatus: (s: number) => s >= 200 && s < 300,
  };

  const response: Row[] = [
    {
      suffix: "plain",
      implementation: "plain node:crypto (KeyObject)",
      role: "plain",
      mode: "sync",
      verify: plainVerify,
      accepted: isTrue,
    },
    {
      suffix: "kassa",
      implementation: "Kassa verifySignedMessage (fetch Headers, Buffer body, all checks; a promise)",
      role: "kassa",
      mode: "async",
      verify: (m) =>
        verifySignedMessage(m.fetchHeaders, m.bodyBytes, kassa.client.keyring, { now: Date.now() }),
      accepted: resolved,
    },
    {
      suffix: "kassa-sync",
      implementation: "Kassa verifySignedMessageSync (the same checks, synchronous: keys at hand)",
      role: "kassa",
      mode: "sync",
      verify: (m) =>
        verifySignedMessageSync(m.fetchHeaders, m.bodyBytes, kassa.client.keyring, { now: Date.now() }),
      accepted: resolved,
    },
    { suffix: "node-v3", ...nodeV3Row },
    {
      suffix: "axios",
      implementation: "wechatpay-axios-plugin Decorator.responseVerifier (headers + clock + RSA)",
      role: "peer",
      mode: "sync",
      verify: (m) => verifier.call(axiosConfig, m.body, m.nodeHeaders, 200),
      accepted: (result, m) => result === m.body,
    },
  ];
  const notification: Row[] = [
    {
      suffix: "plain",
      implementation: "plain node:crypto (KeyObject)",
      role: "plain",
      mode: "sync",
      verify: plainVerify,
      accepted: isTrue,
    },
    {
      suffix: "kassa",
      implementation: "Kassa verifySignedMessage (Node headers, raw body, all checks; a promise)",
      role: "kassa",
      mode: "async",
      verify: (m) => verifySignedMessage(m.nodeHeaders, m.body, kassa.client.keyring, { now: Date.now() }),
      accepted: resolved,
    },
    {
      suffix: "kassa-sync",
      implementation: "Kassa verifySignedMessageSync (the same checks, synchronous: keys at hand)",
      role: "kassa",
      mode: "sync",
      verify: (m) =>
        verifySignedMessageSync(m.nodeHeaders, m.body, kassa.client.keyring, { now: Date.now() }),
      accepted: resolved,
    },
    { suffix: "node-v3", ...nodeV3Row },
    {
      suffix: "axios",
      implementation: "wechatpay-axios-plugin Rsa.verify(Formatter.response(...)) (RSA only)",
      role: "peer",
      mode: "sync",
      verify: (m) =>
        Rsa.verify(
          Formatter.response(m.timestamp, m.nonce, m.body),
          m.signature,
          axios.certs[m.nodeHeaders["wechatpay-serial"]!]!,
        ),
      accepted: isTrue,
    },
  ];
  return [
    ...rows("2a. Verify an API answer (97 B body)", "verify-response", response, () => fixtures.response),
    ...rows(
      "2b. Verify a notification (~1.6 KB body)",
      "verify-notification",
      notification,
      () => fixtures.notification,
    ),
  ];
}

function rows(operation: string, prefix: string, list: Row[], input: () => SignedMessage): BenchCase[] {
  return list.map((row) => {
    const id = `${prefix}.${row.suffix}`;
    return {
      id,
      operation,
      implementation: row.implementation,
      role: row.role,
      baselineId: `${prefix}.plain`,
      mode: row.mode,
      run: () => row.verify(input()),
      check: async () => {
        const message = input();
        expect(row.accepted(await row.verify(message), message), id, "refused a correctly signed message");
        const tampered = withTamperedBody(message);
        expect(tampered.body !== message.body, id, "the tampered body is unchanged");
        const refused = await refuses(async () => row.accepted(await row.verify(tampered), tampered));
        expect(refused, id, "accepted a body changed after signing");
      },
    };
  });
}
