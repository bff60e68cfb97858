import { afterAll, beforeAll, describe, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { runWalkthrough } from "../doc-walkthrough.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

/** docs/scenarios.md's booking walkthrough works as written (doc-walkthrough.ts); the books hold after. */
let kassa: KassaUnderTest;
let key: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa)).secret;
});
afterAll(async () => {
  await kassa?.close();
});

describe("docs/scenarios.md", () => {
  it("runs as written and prints what it says", async () => {
    await runWalkthrough("scenarios.md", kassa, key);
    await expectLedgerHolds(kassa.running.kassa.deps.db);
  });
});
