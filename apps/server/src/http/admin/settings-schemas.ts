import { Type } from "typebox";

/** app/admin/credentials-view.ts, as the admin API answers it: no field can hold a secret. */
const Nullable = <T extends ReturnType<typeof Type.Object>>(schema: T) => Type.Union([schema, Type.Null()]);

const CertificateSchema = Type.Object({
  serial: Type.String({
    description: "WeChat Pay: the certificate's serial, upper-case hex; Alipay: its cert SN (A.3)",
  }),
  fingerprintSha256: Type.String({ description: "SHA-256 of the certificate, colon hex" }),
  notAfter: Type.String({ description: "When it expires, ISO 8601" }),
});

const WechatPaySchema = Type.Object({
  appid: Type.String(),
  mchid: Type.String(),
  merchantSerialNo: Type.String({ description: "The merchant API certificate Kassa's signatures name" }),
  merchantCertificate: Nullable(CertificateSchema),
  verification: Type.Union([Type.Literal("public-key"), Type.Literal("platform-certificates")], {
    description:
      "How WeChat Pay's answers are verified: its public key, or its downloaded platform certificates",
  }),
  publicKey: Nullable(
    Type.Object({
      id: Type.String({ description: "PUB_KEY_ID_…" }),
      fingerprintSha256: Type.String({ description: "SHA-256 of the key (SPKI DER), colon hex" }),
    }),
  ),
  baseUrl: Type.String(),
});

const AlipaySchema = Type.Object({
  appId: Type.String(),
  sellerId: Type.String({ description: "The collecting account's PID (2088…)" }),
  keyMode: Type.Union([Type.Literal("key"), Type.Literal("certificate")]),
  alipayPublicKeyFingerprintSha256: Type.Union([Type.String(), Type.Null()]),
  appCertificate: Nullable(CertificateSchema),
  alipayPublicCertificate: Nullable(CertificateSchema),
  rootCertificate: Nullable(Type.Object({ sn: Type.String(), notAfter: Type.String() })),
  gatewayUrl: Type.String(),
});

export const AppSettingsSchema = Type.Object({
  id: Type.String(),
  isDefault: Type.Boolean({ description: "Requests naming no app are this app's" }),
  wechatpay: Nullable(WechatPaySchema),
  alipay: Nullable(AlipaySchema),
  notifyUrls: Type.Object(
    { wechatpay: Type.Optional(Type.String()), alipay: Type.Optional(Type.String()) },
    { description: "Where each channel notifies this app" },
  ),
  webhookDomains: Type.Array(Type.String(), {
    description: "The hosts this app's webhook endpoints may be on (KASSA_WEBHOOK_DOMAINS or webhookDomains)",
  }),
});

export const CheckResultSchema = Type.Object({
  id: Type.String({ description: "The check, as `kassa doctor --json` names it" }),
  status: Type.Union([Type.Literal("ok"), Type.Literal("warn"), Type.Literal("fail")]),
  detail: Type.String({ description: "What was found and, unless ok, what to do" }),
  appId: Type.Optional(Type.String()),
});

export const ApiKeySchema = Type.Object({
  id: Type.String({ description: "`key_…`" }),
  name: Type.String(),
  scopes: Type.Array(Type.String({ enum: ["read", "write"] })),
  secretHint: Type.String({
    description: "The key's first characters: enough to tell keys apart, not to use one",
  }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()], {
    description: "Recorded at most once a minute per key",
  }),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export const KeyIdParams = Type.Object({
  keyId: Type.String({ pattern: "^key_[0-9a-z]{1,60}$", description: "The key's `id`" }),
});
