import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs it
import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { startKassa } from "./main.ts";

/**
 * Built-in HTTPS (issue 13): KASSA_TLS_CERT_FILE and KASSA_TLS_KEY_FILE, checked at start so a
 * wrong file is one line, not a handshake that fails for every client; and then served.
 */
const dir = mkdtempSync(join(tmpdir(), "kassa-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
type Keys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];

/** A self-signed certificate for 127.0.0.1, valid from `notBefore` for a day, and its key. */
async function certificateFor127(notBefore = new Date()): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...algorithm, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as unknown as Keys;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=127.0.0.1",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }])],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString("base64")
    .replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
  return { cert: certificate.toString("pem"), key };
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, dir);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

let good: { cert: string; key: string };
let other: { cert: string; key: string };
beforeAll(async () => {
  good = await certificateFor127();
  other = await certificateFor127();
});

describe("KASSA_TLS_CERT_FILE and KASSA_TLS_KEY_FILE", () => {
  it("takes a certificate and its key", () => {
    const config = loadConfig(
      { KASSA_TLS_CERT_FILE: file("cert.pem", good.cert), KASSA_TLS_KEY_FILE: file("key.pem", good.key) },
      dir,
    );
    expect(config.tls).toEqual({ certificatePem: good.cert, privateKeyPem: good.key });
    expect(loadConfig({}, dir).tls).toBeUndefined();
  });

  it("refuses one without the other, a file that is not what it should be, a key of another certificate, and an expired certificate", async () => {
    const cert = file("cert.pem", good.cert);
    const key = file("key.pem", good.key);
    expect(problemsOf({ KASSA_TLS_CERT_FILE: cert })).toEqual([
      "KASSA_TLS_CERT_FILE is set without KASSA_TLS_KEY_FILE: built-in HTTPS needs both the certificate and its private key (or unset both and terminate TLS at a proxy)",
    ]);
    expect(problemsOf({ KASSA_TLS_KEY_FILE: key })[0]).toMatch(
      /^KASSA_TLS_KEY_FILE is set without KASSA_TLS_CERT_FILE/,
    );
    expect(problemsOf({ KASSA_TLS_CERT_FILE: join(dir, "missing.pem"), KASSA_TLS_KEY_FILE: key })).toEqual([
      `KASSA_TLS_CERT_FILE: cannot read the file ${join(dir, "missing.pem")} (ENOENT)`,
    ]);
    expect(problemsOf({ KASSA_TLS_CERT_FILE: key, KASSA_TLS_KEY_FILE: key })).toEqual([
      "KASSA_TLS_CERT_FILE does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)",
    ]);
    expect(problemsOf({ KASSA_TLS_CERT_FILE: cert, KASSA_TLS_KEY_FILE: cert })[0]).toMatch(
      /^KASSA_TLS_KEY_FILE does not hold an unencrypted PEM private key/,
    );
    const mismatched = problemsOf({
      KASSA_TLS_CERT_FILE: cert,
      KASSA_TLS_KEY_FILE: file("other-key.pem", other.key),
    });
    expect(mismatched).toEqual([
      `KASSA_TLS_KEY_FILE is not the private key of the certificate in KASSA_TLS_CERT_FILE (subject CN=127.0.0.1)`,
    ]);
    const old = await certificateFor127(new Date(Date.now() - 3 * 86_400_000));
    expect(
      problemsOf({
        KASSA_TLS_CERT_FILE: file("old-cert.pem", old.cert),
        KASSA_TLS_KEY_FILE: file("old-key.pem", old.key),
      })[0],
    ).toMatch(/^the certificate in KASSA_TLS_CERT_FILE is not valid now \(valid from .* to .*\): renew it$/);
    // The key's text is in no problem.
    expect(JSON.stringify(mismatched)).not.toContain("PRIVATE KEY");
  });

  it("serves HTTPS with them: a client that trusts the certificate gets /healthz, and the URL says https", async () => {
    const dataDir = mkdtempSync(join(dir, "data-"));
    const running = await startKassa({
      env: {
        KASSA_DATA_DIR: dataDir,
        PORT: "0",
        LOG_LEVEL: "silent",
        KASSA_TLS_CERT_FILE: file("cert.pem", good.cert),
        KASSA_TLS_KEY_FILE: file("key.pem", good.key),
      },
      cwd: dataDir,
      sandboxPort: 0,
      startWorker: false,
    });
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await new Promise<{ status: number; body: string }>((done, failed) => {
        get(`${running.url}/healthz`, { ca: good.cert }, (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => {
            body += chunk.toString("utf8");
          });
          response.on("end", () => done({ status: response.statusCode ?? 0, body }));
        }).on("error", failed);
      });
      expect(answer).toEqual({ status: 200, body: '{"status":"ok"}' });
      // Plain HTTP on the same port is not served.
      const plain = await fetch(running.url.replace("https:", "http:")).then(
        (response) => response.status,
        () => "refused",
      );
      expect(plain).not.toBe(200);
    } finally {
      await running.close();
    }
  }, 60_000);
});
