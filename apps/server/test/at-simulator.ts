import type { RunningSandbox } from "@kassa/sandbox";
import type { KassaConfig } from "../src/config.ts";

/**
 * A production configuration, loaded as an operator's would be, with its channels' addresses
 * moved to the simulator: production refuses a WeChat Pay URL or an Alipay gateway that is not
 * https (reference §1, A.3), and the simulator listens on http here. Nothing else changes, so
 * the keys, ids and modes under test are those the configuration loaded.
 */
export function atSimulator(config: Readonly<KassaConfig>, sandbox: RunningSandbox): KassaConfig {
  return {
    ...config,
    apps: config.apps.map(({ wechatpay, alipay, ...app }) => ({
      ...app,
      ...(wechatpay ? { wechatpay: { ...wechatpay, baseUrl: sandbox.url, loginBaseUrl: sandbox.url } } : {}),
      ...(alipay ? { alipay: { ...alipay, gatewayUrl: sandbox.alipayGatewayUrl } } : {}),
    })),
  };
}
