import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_MASTER_KEY_FILE, demoMasterKey, parseMasterKey, SecretBox } from "./secret-box.ts";

describe("the secret box (AES-256-GCM under the master key)", () => {
  const box = new SecretBox(randomBytes(32));

  it("opens what it sealed, and the sealed text shows nothing of the secret", () => {
    const sealed = box.seal("whsec_abc", "webhook-endpoint:whe_1");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\./);
    expect(sealed).not.toContain("whsec");
    expect(box.open(sealed, "webhook-endpoint:whe_1")).toBe("whsec_abc");
    expect(box.seal("whsec_abc", "x")).not.toBe(box.seal("whsec_abc", "x"));
  });

  it("refuses a ciphertext moved to another record, altered, or sealed under another key", () => {
    const sealed = box.seal("whsec_abc", "webhook-endpoint:whe_1");
    expect(() => box.open(sealed, "webhook-endpoint:whe_2")).toThrow(/altered|another record/);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("whsec_abd").toString("base64url");
    expect(() => box.open(parts.join("."), "webhook-endpoint:whe_1")).toThrow(/altered/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, "webhook-endpoint:whe_1")).toThrow(
      /another master key/,
    );
  });

  it("reads a master key as base64 or hex, and says what is wrong with anything else", () => {
    const key = randomBytes(32);
    expect(parseMasterKey(`${key.toString("base64")}\n`)).toEqual(key);
    expect(parseMasterKey(key.toString("hex"))).toEqual(key);
    expect(parseMasterKey("short")).toMatch(/32 random bytes.*holds 5 characters/);
    expect(parseMasterKey(randomBytes(16).toString("base64"))).toMatch(/32 random bytes/);
    expect(parseMasterKey("0".repeat(64))).toMatch(/one byte repeated/);
  });

  it("makes demo mode's key once, mode 0600, and reads the same key after", () => {
    const dir = mkdtempSync(join(tmpdir(), "kassa-master-key-"));
    try {
      const first = demoMasterKey(dir);
      expect(demoMasterKey(dir)).toEqual(first);
      const path = join(dir, DEMO_MASTER_KEY_FILE);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(parseMasterKey(readFileSync(path, "utf8"))).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
