import type { KassaConfig } from "../config.ts";
import { demoMasterKey, SecretBox } from "./secret-box.ts";

/**
 * The box that seals webhook secrets: KASSA_MASTER_KEY_FILE's key; in demo mode without it,
 * one made once in the data directory (so `npm start` needs nothing); in production without
 * it, none, and creating an endpoint says what to set.
 */
export function masterKeyOf(
  config: Pick<KassaConfig, "mode" | "dataDir" | "webhooks">,
): SecretBox | undefined {
  const key =
    config.webhooks.masterKey ?? (config.mode === "demo" ? demoMasterKey(config.dataDir) : undefined);
  return key ? new SecretBox(key) : undefined;
}
