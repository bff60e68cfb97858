import { afterAll, beforeAll, describe, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { runWalkthrough } from "../doc-walkthrough.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

/**
 * docs/alipay.md's walkthrough works as written (test/doc-walkthrough.ts runs it: its `sh`
 * blocks in order against a running Kassa and its simulator, each followed by a `text` block
 * printing exactly that). The books hold afterwards.
 */
let kassa: KassaUnderTest;
let key: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa)).secret;
});
afterAll(async () => {
  await kassa?.close();
});

describe("docs/alipay.md", () => {
  it("runs as written and prints what it says", async () => {
    await runWalkthrough("alipay.md", kassa, key, 6);
    await expectLedgerHolds(kassa.running.kassa.deps.db);
  });
});
