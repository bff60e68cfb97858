import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/**
 * Debian's Chromium for the browser tests, driven by playwright-core (never a browser
 * download). CI installs it and sets KASSA_REQUIRE_BROWSER=1, so a missing Chromium fails
 * there; a newcomer's `npm test` without it skips the browser files and says how to get it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM);
if (!CHROMIUM_AVAILABLE && process.env.KASSA_REQUIRE_BROWSER === "1") {
  throw new Error(`Chromium is required here but missing at ${CHROMIUM}: apt-get install -y chromium`);
}

/** Where screenshots are kept for a person to look at (the repository's test-artifacts/). */
export const ARTIFACTS = join(import.meta.dirname, "../../../../test-artifacts");

/** Headless, as root, with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
