import { createDecipheriv, verify } from "node:crypto";
import { decryptAeadAes256Gcm } from "@kassa/wechatpay";
import { Aes, Formatter, Rsa } from "wechatpay-axios-plugin";
import { expect, refuses } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { OUT_TRADE_NO, type SignedMessage, withTamperedBody } from "../lib/messages.ts";

/**
 * §4.2 decryption of the notification resource (Base64 → AES-256-GCM with the tag checked
 * → JSON.parse), then the whole notification: verify (§3) + envelope + decrypt.
 */

interface Resource {
  ciphertext: string;
  nonce: string;
  associated_data: string;
}

type Decrypt = (resource: Resource) => unknown;

export function decryptCases(context: BenchContext): BenchCase[] {
  const { plain, kassa, nodeV3, axios, fixtures, findings } = context;
  const resourceOf = (message: SignedMessage) =>
    (JSON.parse(message.body) as { resource: Resource }).resource;
  const resource = resourceOf(fixtures.notification);
  const decrypt: Record<"plain" | "kassa" | "node-v3" | "axios", Decrypt> = {
    plain: (r) => {
      const raw = Buffer.from(r.ciphertext, "base64");
      const decipher = createDecipheriv("aes-256-gcm", plain.apiV3Key, Buffer.from(r.nonce, "utf8"));
      decipher.setAAD(Buffer.from(r.associated_data, "utf8"));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const text = Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]);
      return JSON.parse(text.toString("utf8"));
    },
    kassa: (r) =>
      JSON.parse(
        decryptAeadAes256Gcm(kassa.apiV3Key, {
          nonce: r.nonce,
          associatedData: r.associated_data,
          ciphertext: r.ciphertext,
        }).toString("utf8"),
      ),
    // The README's key in the constructor; decipher_gcm never calls final() (no tag check).
    "node-v3": (r) => nodeV3.pay.decipher_gcm(r.ciphertext, r.associated_data, r.nonce),
    axios: (r) => JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, axios.apiV3Key, r.nonce, r.associated_data)),
  };
  const labels = {
    plain: "plain node:crypto (final() checks the tag)",
    kassa: "Kassa decryptAeadAes256Gcm + JSON.parse (strict Base64, tag checked)",
    "node-v3": "wechatpay-node-v3 decipher_gcm (README; tag NOT checked)",
    axios: "wechatpay-axios-plugin Aes.AesGcm.decrypt + JSON.parse (tag checked)",
  } as const;
  const roleOf = (name: keyof typeof labels): BenchCase["role"] =>
    name === "plain" ? "plain" : name === "kassa" ? "kassa" : "peer";

  const decryptRows = (Object.keys(labels) as (keyof typeof labels)[]).map((name): BenchCase => {
    const id = `decrypt.${name}`;
    return {
      id,
      operation: "3. Decrypt the notification resource (Base64 → AES-256-GCM → JSON)",
      implementation: labels[name],
      role: roleOf(name),
      baselineId: "decrypt.plain",
      mode: "sync",
      run: () => decrypt[name](resource),
      check: async () => {
        const transaction = decrypt[name](resource) as { out_trade_no?: unknown };
        expect(
          transaction.out_trade_no === OUT_TRADE_NO,
          id,
          `out_trade_no is ${String(transaction.out_trade_no)}`,
        );
        const flipped = { ...resource, ciphertext: flipTagCharacter(resource.ciphertext) };
        const refused = await refuses(() => decrypt[name](flipped));
        if (name === "node-v3") {
          if (!refused)
            findings.push(`${id}: ACCEPTED a ciphertext whose GCM tag was altered (no final() call).`);
        } else {
          expect(refused, id, "accepted a ciphertext whose GCM tag was altered");
        }
      },
    };
  });

  // The whole notification: verify the raw body, parse the envelope, decrypt the resource.
  const wholeNotification: Record<keyof typeof labels, (m: SignedMessage) => unknown> = {
    plain: (m) => {
      const message = Buffer.from(`${m.timestamp}\n${m.nonce}\n${m.body}\n`);
      if (!verify("sha256", message, plain.publicKey, Buffer.from(m.signature, "base64")))
        throw new Error("bad signature");
      return decrypt.plain(resourceOf(m));
    },
    // The call itself, as an application makes it: no wrapper awaits it inside the time box
    // (the checks read `.resource` from what it resolves to).
    kassa: (m) => kassa.client.notifications.parse(m.nodeHeaders, m.body),
    "node-v3": async (m) => {
      const valid = await nodeV3.pay.verifySign({
        timestamp: m.nodeHeaders["wechatpay-timestamp"]!,
        nonce: m.nodeHeaders["wechatpay-nonce"]!,
        body: m.body,
        serial: m.nodeHeaders["wechatpay-serial"]!,
        signature: m.nodeHeaders["wechatpay-signature"]!,
      });
      if (!valid) throw new Error("bad signature");
      return decrypt["node-v3"](resourceOf(m));
    },
    axios: (m) => {
      const key = axios.certs[m.nodeHeaders["wechatpay-serial"]!]!;
      if (!Rsa.verify(Formatter.response(m.timestamp, m.nonce, m.body), m.signature, key))
        throw new Error("bad signature");
      return decrypt.axios(resourceOf(m));
    },
  };
  const wholeLabels = {
    plain: "plain node:crypto: verify + JSON.parse + decrypt",
    kassa: "Kassa client.notifications.parse (headers, clock, verify, decrypt, shape checks)",
    "node-v3": "wechatpay-node-v3 verifySign + decipher_gcm (README; no tag check, no clock)",
    axios: "wechatpay-axios-plugin Rsa.verify + AesGcm.decrypt (no clock check)",
  } as const;
  const wholeRows = (Object.keys(wholeLabels) as (keyof typeof labels)[]).map((name): BenchCase => {
    const id = `notification.${name}`;
    return {
      id,
      operation: "3b. Whole notification: verify + decrypt (~1.6 KB)",
      implementation: wholeLabels[name],
      role: roleOf(name),
      baselineId: "notification.plain",
      mode: name === "plain" || name === "axios" ? "sync" : "async",
      run: () => wholeNotification[name](fixtures.notification),
      check: async () => {
        const result = await wholeNotification[name](fixtures.notification);
        const transaction = (name === "kassa" ? (result as { resource: unknown }).resource : result) as {
          out_trade_no?: unknown;
        };
        expect(
          transaction.out_trade_no === OUT_TRADE_NO,
          id,
          `out_trade_no is ${String(transaction.out_trade_no)}`,
        );
        const refused = await refuses(() => wholeNotification[name](withTamperedBody(fixtures.notification)));
        expect(refused, id, "accepted a notification body changed after signing");
      },
    };
  });
  return [...decryptRows, ...wholeRows];
}

/** Change one Base64 character inside the last 16 bytes (the GCM tag), padding untouched. */
function flipTagCharacter(ciphertext: string): string {
  const at = ciphertext.replace(/=+$/, "").length - 8;
  const replacement = ciphertext[at] === "A" ? "B" : "A";
  return `${ciphertext.slice(0, at)}${replacement}${ciphertext.slice(at + 1)}`;
}
