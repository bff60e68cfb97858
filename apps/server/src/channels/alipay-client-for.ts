import { type AlipayClient, type AlipayClientOptions, createAlipayClient } from "@kassa/alipay";
import type { AlipayCredentials } from "../config.ts";
import type { Clock } from "../domain/clock.ts";

/**
 * An Alipay client for one app: its app id, its key and its mode's keys or certificates
 * (reference A.3), the collecting account notifications must name (A.4 check c), on Kassa's
 * clock. The client parses every key again and refuses a bad one at once; config-alipay.ts
 * has loaded them the same way at start, so here that is a bug, not a configuration problem.
 */
export function alipayClientFor(
  credentials: AlipayCredentials,
  clock: Clock,
  overrides: Partial<Pick<AlipayClientOptions, "fetch" | "timeoutMs" | "signing">> = {},
): AlipayClient {
  const { keys } = credentials;
  return createAlipayClient({
    appId: credentials.appId,
    sellerId: credentials.sellerId,
    appPrivateKey: credentials.appPrivateKeyPem,
    keys:
      keys.mode === "key"
        ? { mode: "key", alipayPublicKey: keys.alipayPublicKeyPem }
        : {
            mode: "certificate",
            appCert: keys.appCertPem,
            alipayPublicCert: keys.alipayPublicCertPem,
            alipayRootCert: keys.alipayRootCertPem,
          },
    ...(credentials.gatewayUrl ? { gatewayUrl: credentials.gatewayUrl } : {}),
    ...overrides,
    clock: () => clock.now(),
  });
}
