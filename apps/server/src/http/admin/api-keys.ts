import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { API_KEY_NAME, makeApiKey, revokeApiKey } from "../../app/merchant/api-key-lifecycle.ts";
import { API_KEY_SCOPES, type ApiKeyScope } from "../../app/merchant/api-keys.ts";
import { decodeCursor, pageOfRows } from "../../app/page-cursor.ts";
import { type ApiKeyRecord, findKeyById, pageKeysOfApp } from "../../db/api-keys-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { adminPagedRead } from "./paged-read.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_CHANGE, AppOnlyQuery } from "./schemas.ts";
import { ApiKeySchema, KeyIdParams } from "./settings-schemas.ts";

const KEY_ID = /^key_[0-9a-z]{1,60}$/;

const ApiKeysCreateBody = Type.Object(
  {
    name: Type.String({
      pattern: API_KEY_NAME.source,
      description: "What the key is for: 1-100 characters, no control characters",
    }),
    scopes: Type.Array(Type.String({ enum: [...API_KEY_SCOPES] }), {
      minItems: 1,
      maxItems: API_KEY_SCOPES.length,
      uniqueItems: true,
      description: "`read`, or `read` and `write` (a key that may change the catalog)",
    }),
  },
  { additionalProperties: false, examples: [{ name: "order sync", scopes: ["read"] }] },
);

function viewKey(key: ApiKeyRecord) {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    secretHint: key.secretHint,
    createdAt: new Date(key.createdAt).toISOString(),
    lastUsedAt: time(key.lastUsedAt),
    revokedAt: time(key.revokedAt),
  };
}

/**
 * An app's merchant API keys (admin): listed with their hints, made (the secret in the
 * answer, once; Kassa keeps its hash) and revoked, through the one path `kassa keys` uses
 * (app/merchant/api-key-lifecycle.ts), each audited without the secret. Revoke is registered
 * in the admin API's takesNoBody scope (registerAdminApiKeyRevoke).
 */
export function registerAdminApiKeys(app: KassaApp, context: AdminContext): void {
  const deps = context.deps;
  adminPagedRead(app, context, {
    url: "/admin/v1/api-keys",
    permission: "settings.read",
    summary: "List an app's merchant API keys, newest first",
    response: Type.Object({
      data: Type.Array(ApiKeySchema),
      nextCursor: Type.Union([Type.String(), Type.Null()]),
    }),
    read: async ({ appId, limit, cursor }) => {
      const after = cursor === undefined ? undefined : decodeCursor(cursor, KEY_ID);
      const rows = await pageKeysOfApp(deps.db, { appId, after, limit: limit + 1 });
      const { page, nextCursor } = pageOfRows(rows, limit, (key) => ({
        createdAt: key.createdAt,
        id: key.id,
      }));
      return { data: page.map(viewKey), nextCursor };
    },
  });
  app.post(
    "/admin/v1/api-keys",
    {
      config: { permission: "apiKeys.manage" },
      schema: {
        summary: "Make a merchant API key; its secret is in this answer only",
        description:
          "As `npm run kassa -- keys create`: `sk_live_…` in production, `sk_test_…` in demo mode. Kassa keeps only the secret's hash: it cannot be shown again.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AppOnlyQuery,
        body: ApiKeysCreateBody,
        response: {
          201: Type.Object({
            key: ApiKeySchema,
            secret: Type.String({ description: "The key itself: shown this once" }),
          }),
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "APP_NOT_FOUND",
            "REQUEST_INVALID",
          ]),
        },
      },
    },
    async (request, reply) => {
      const appId = appOfRequest(context, request.operator, request.query.app);
      const scopes = API_KEY_SCOPES.filter((scope) => request.body.scopes.includes(scope)) as ApiKeyScope[];
      const made = await inTransaction(deps.db, async (trx) => {
        const key = await makeApiKey(trx, {
          appId,
          name: request.body.name,
          scopes,
          mode: deps.settings.apiKeyMode,
          ids: deps.ids,
          now: deps.clock.now(),
        });
        await audit(
          { ...deps, db: trx },
          { operator: request.operator, address: request.ip },
          {
            action: "api_key.create",
            objectType: "api_key",
            objectId: key.id,
            appId,
            after: { name: request.body.name, scopes, secretHint: key.hint },
          },
        );
        return { key: (await findKeyById(trx, key.id)) as ApiKeyRecord, secret: key.secret };
      });
      reply.status(201);
      return { key: viewKey(made.key), secret: made.secret };
    },
  );
}

/** POST /admin/v1/api-keys/:keyId/revoke (no body): requests with it get 401 from now on. */
export function registerAdminApiKeyRevoke(app: KassaApp, context: AdminContext): void {
  const deps = context.deps;
  app.post(
    "/admin/v1/api-keys/:keyId/revoke",
    {
      config: { permission: "apiKeys.manage" },
      schema: {
        summary: "Revoke a merchant API key",
        description:
          "Takes no body. Requests with the key answer 401 MERCHANT_KEY_INVALID from now on. A key revoked already answers as it is.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: KeyIdParams,
        querystring: AppOnlyQuery,
        response: {
          200: { ...ApiKeySchema, description: "The key, revoked" },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...ADMIN_CHANGE, "APP_NOT_FOUND", "API_KEY_NOT_FOUND"],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request) => {
      const appId = appOfRequest(context, request.operator, request.query.app);
      const keyId = request.params.keyId;
      return inTransaction(deps.db, async (trx) => {
        const before = await findKeyById(trx, keyId);
        // Another app's key answers as one that does not exist (BOLA).
        if (!before || before.appId !== appId) throw new KassaError("API_KEY_NOT_FOUND");
        if (await revokeApiKey(trx, { id: keyId, now: deps.clock.now() }))
          await audit(
            { ...deps, db: trx },
            { operator: request.operator, address: request.ip },
            {
              action: "api_key.revoke",
              objectType: "api_key",
              objectId: keyId,
              appId,
              before: { revokedAt: null },
              after: { revokedAt: new Date(deps.clock.now()).toISOString() },
            },
          );
        return viewKey((await findKeyById(trx, keyId)) as ApiKeyRecord);
      });
    },
  );
}
