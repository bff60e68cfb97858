import { createHash, createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { DEMO_ALIPAY_APP, DEMO_MERCHANT, readDemoCredentials } from "../../src/channels/demo-sandbox.ts";
import type { WechatPayCredentials } from "../../src/config.ts";
import { verifyAuditChain } from "../../src/db/audit-repo.ts";
import type { OperatorRole } from "../../src/domain/operator-roles.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * The console's settings page's routes (issue 12): the apps' channel accounts with no secret
 * in them, the merchant API keys (made with the secret shown once, through `kassa keys`'s own
 * path, and revoked), and the config check. Admin only (admin-api.test.ts tries every route
 * with every role); an operator of another app sees none of this app's, and every change is
 * audited without the secret.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Settings-password-4";
type Session = { cookie: string; csrf: string };
const sessions: Record<string, Session> = {};
let wechatpay: WechatPayCredentials;

async function loggedIn(login: string): Promise<Session> {
  const answer = await kassa.request("POST", "/admin/v1/session", { body: { login, password: PASSWORD } });
  expect(answer.status).toBe(201);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);
  return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
}
function as(who: Session, method: string, path: string, body?: unknown, csrf = true) {
  return kassa.request(method, path, {
    headers: { cookie: who.cookie, ...(csrf ? { "x-csrf-token": who.csrf } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
}
const admin = () => sessions.admin as Session;
const other = () => sessions["other-app"] as Session;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  for (const role of ["viewer", "admin"] as OperatorRole[])
    await createOperator(deps, { login: role, role, appIds: undefined, password: PASSWORD }, undefined);
  await createOperator(
    deps,
    { login: "other-app", role: "admin", appIds: ["app_other"], password: PASSWORD },
    undefined,
  );
  for (const login of ["viewer", "admin", "other-app"]) sessions[login] = await loggedIn(login);
  const merchant = kassa.sandbox.admin.getMerchant(DEMO_MERCHANT.mchid);
  wechatpay = await readDemoCredentials(merchant.files.dir, kassa.sandbox.url);
}, 60_000);
afterAll(async () => {
  await kassa?.close();
});

/** Every 24-character run of a secret's text: no answer may hold any part of one that long. */
function piecesOf(secret: string): string[] {
  const text = secret.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  const pieces: string[] = [];
  for (let at = 0; at + 24 <= text.length; at += 12) pieces.push(text.slice(at, at + 24));
  return pieces.length > 0 ? pieces : [text];
}

describe("the apps and their channel accounts", () => {
  it("shows WeChat Pay's mchid, serial and public key fingerprint, and Alipay's app id and key mode", async () => {
    const answer = await as(admin(), "GET", "/admin/v1/settings/apps");
    expect(answer.status).toBe(200);
    const [app] = (answer.body as { data: Record<string, unknown>[] }).data;
    const publicKey = wechatpay.publicKey as { id: string; pem: string };
    const der = createPublicKey(publicKey.pem).export({ type: "spki", format: "der" });
    const fingerprint = (
      createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g) ?? []
    ).join(":");
    expect(app).toMatchObject({
      id: "app_default",
      isDefault: true,
      wechatpay: {
        appid: DEMO_MERCHANT.appid,
        mchid: DEMO_MERCHANT.mchid,
        merchantSerialNo: wechatpay.merchantSerialNo.toUpperCase(),
        verification: "public-key",
        publicKey: { id: publicKey.id, fingerprintSha256: fingerprint },
      },
      alipay: { appId: DEMO_ALIPAY_APP.appId, sellerId: DEMO_ALIPAY_APP.sellerId, keyMode: "key" },
      notifyUrls: { wechatpay: `${kassa.url}/notify/wechatpay/app_default` },
      webhookDomains: [],
    });
    expect(
      (app?.alipay as { alipayPublicKeyFingerprintSha256?: string } | undefined)
        ?.alipayPublicKeyFingerprintSha256,
    ).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("holds no key or secret: not the APIv3 key, the app secret, nor any part of a private key", async () => {
    const text = JSON.stringify((await as(admin(), "GET", "/admin/v1/settings/apps")).body);
    const alipay = kassa.sandbox.admin.alipayCredentials(DEMO_ALIPAY_APP.appId);
    const secrets = [
      wechatpay.apiV3Key,
      wechatpay.appSecret,
      ...piecesOf(wechatpay.merchantPrivateKeyPem),
      ...piecesOf(alipay.appPrivateKeyPem),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/BEGIN|PRIVATE/);
  });

  it("shows an operator of another app none of this app's accounts", async () => {
    const answer = await as(other(), "GET", "/admin/v1/settings/apps");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: [] });
  });
});

describe("merchant API keys", () => {
  it("makes a key whose secret is in the answer once, works at the merchant API, and is listed by its hint only", async () => {
    const made = await as(admin(), "POST", "/admin/v1/api-keys", {
      name: "<b>订单同步</b>",
      scopes: ["read"],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { key, secret } = made.body as { key: { id: string; secretHint: string }; secret: string };
    kassa.rememberSecret(secret);
    expect(secret).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({
      name: "<b>订单同步</b>",
      scopes: ["read"],
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(secret.startsWith(key.secretHint.replace("…", ""))).toBe(true);
    const used = await kassa.request("GET", "/merchant/v1/products", {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(used.status).toBe(200);

    const list = await as(admin(), "GET", "/admin/v1/api-keys?limit=1");
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect((list.body as { data: { id: string }[] }).data.map((row) => row.id)).toEqual([key.id]);
    const audit = await kassa.running.kassa.deps.db
      .selectFrom("audit_log")
      .select(["action", "after"])
      .where("object_id", "=", key.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.action).toBe("api_key.create");
    expect(audit[0]?.after).not.toContain(secret);
  });

  it("pages the keys on the server, newest first", async () => {
    for (const name of ["second", "third"])
      expect(
        (await as(admin(), "POST", "/admin/v1/api-keys", { name, scopes: ["read", "write"] })).status,
      ).toBe(201);
    const first = (await as(admin(), "GET", "/admin/v1/api-keys?limit=2")).body as {
      data: { name: string }[];
      nextCursor: string;
    };
    expect(first.data.map((key) => key.name)).toEqual(["third", "second"]);
    const next = (await as(admin(), "GET", `/admin/v1/api-keys?limit=2&cursor=${first.nextCursor}`)).body as {
      data: { name: string }[];
      nextCursor: string | null;
    };
    expect(next.data.map((key) => key.name)).toEqual(["<b>订单同步</b>"]);
    expect(next.nextCursor).toBeNull();
  });

  it("refuses a key with no scope, an unknown scope, or a name with a control character", async () => {
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["admin"] },
      { name: "a\u0007b", scopes: ["read"] },
    ]) {
      const answer = await as(admin(), "POST", "/admin/v1/api-keys", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
    }
  });

  it("revokes a key: the merchant API refuses it from then on, and the revoke is audited once", async () => {
    const made = (await as(admin(), "POST", "/admin/v1/api-keys", { name: "to revoke", scopes: ["read"] }))
      .body as { key: { id: string }; secret: string };
    kassa.rememberSecret(made.secret);
    const revoked = await as(admin(), "POST", `/admin/v1/api-keys/${made.key.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect((revoked.body as { revokedAt: string | null }).revokedAt).not.toBeNull();
    expect((await as(admin(), "POST", `/admin/v1/api-keys/${made.key.id}/revoke`)).status).toBe(200);
    const refused = await kassa.request("GET", "/merchant/v1/products", {
      headers: { authorization: `Bearer ${made.secret}` },
    });
    expect(refused.status).toBe(401);
    const audit = await kassa.running.kassa.deps.db
      .selectFrom("audit_log")
      .select("action")
      .where("object_id", "=", made.key.id)
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("answers another app's operator as if the keys did not exist, and changes nothing", async () => {
    const made = (await as(admin(), "POST", "/admin/v1/api-keys", { name: "kept", scopes: ["read"] }))
      .body as {
      key: { id: string };
      secret: string;
    };
    kassa.rememberSecret(made.secret);
    for (const [method, path, body] of [
      ["GET", "/admin/v1/api-keys", undefined],
      ["GET", "/admin/v1/api-keys?app=app_default", undefined],
      ["POST", "/admin/v1/api-keys", { name: "theirs", scopes: ["read"] }],
      ["POST", `/admin/v1/api-keys/${made.key.id}/revoke`, undefined],
    ] as const) {
      const answer = await as(other(), method, path, body);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toMatchObject({ code: "APP_NOT_FOUND" });
    }
    const key = await kassa.running.kassa.deps.db
      .selectFrom("api_keys")
      .select(["revoked_at"])
      .where("id", "=", made.key.id)
      .executeTakeFirstOrThrow();
    expect(key.revoked_at).toBeNull();
    const theirs = await kassa.running.kassa.deps.db
      .selectFrom("api_keys")
      .select("id")
      .where("name", "=", "theirs")
      .execute();
    expect(theirs).toEqual([]);
  });

  it("answers a key of this app named under its own app as unknown (API_KEY_NOT_FOUND)", async () => {
    const answer = await as(admin(), "POST", "/admin/v1/api-keys/key_doesnotexist/revoke");
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "API_KEY_NOT_FOUND" });
  });

  it("refuses to make or revoke a key without the CSRF token", async () => {
    const before = await kassa.running.kassa.deps.db.selectFrom("api_keys").select("id").execute();
    const make = await as(admin(), "POST", "/admin/v1/api-keys", { name: "csrf", scopes: ["read"] }, false);
    expect(make.status).toBe(403);
    expect(make.body).toMatchObject({ code: "ADMIN_CSRF_INVALID" });
    const revoke = await as(admin(), "POST", `/admin/v1/api-keys/${before[0]?.id}/revoke`, undefined, false);
    expect(revoke.body).toMatchObject({ code: "ADMIN_CSRF_INVALID" });
    expect(await kassa.running.kassa.deps.db.selectFrom("api_keys").select("id").execute()).toEqual(before);
  });
});

describe("the config check", () => {
  it("runs the doctor's checks on this process's configuration, against the simulator, and audits the run", async () => {
    const answer = await as(admin(), "POST", "/admin/v1/settings/check");
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const body = answer.body as {
      ok: boolean;
      checks: { id: string; status: string; detail: string; appId?: string }[];
    };
    const ids = body.checks.map((check) => check.id);
    expect(ids).toEqual(
      expect.arrayContaining(["merchant-key", "signed-call", "alipay-signed-call", "database", "redis"]),
    );
    expect(body.checks.find((check) => check.id === "signed-call")?.status).toBe("ok");
    expect(body.checks.find((check) => check.id === "alipay-signed-call")?.status).toBe("ok");
    const database = body.checks.find((check) => check.id === "database");
    expect(database?.status).toBe("ok");
    // Through the running pool: the database that answers, with its migrations, not "none yet".
    expect(database?.detail).toMatch(/answers; migrations/);
    expect(body.checks.find((check) => check.id === "webhook-urls")?.detail).toBe(
      "no webhook endpoints are enabled",
    );
    // The process's own pool was lent, not closed: it still answers.
    expect((await as(admin(), "GET", "/admin/v1/api-keys")).status).toBe(200);
    const audit = await kassa.running.kassa.deps.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "settings.check")
      .execute();
    expect(audit).toHaveLength(1);
    expect(await verifyAuditChain(kassa.running.kassa.deps.db)).toMatchObject({ ok: true });
  }, 30_000);

  it("shows an operator of another app only the deployment's checks, none of this app's", async () => {
    const answer = await as(other(), "POST", "/admin/v1/settings/check");
    expect(answer.status).toBe(200);
    const checks = (answer.body as { checks: { appId?: string }[] }).checks;
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((check) => check.appId !== undefined)).toEqual([]);
  }, 30_000);

  it("is refused without the CSRF token, and to a viewer", async () => {
    expect((await as(admin(), "POST", "/admin/v1/settings/check", undefined, false)).body).toMatchObject({
      code: "ADMIN_CSRF_INVALID",
    });
    const viewer = await as(sessions.viewer as Session, "POST", "/admin/v1/settings/check");
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ code: "ADMIN_FORBIDDEN" });
  });
});
