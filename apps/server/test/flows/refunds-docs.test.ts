import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * docs/refunds.md's walk-through, run as written (bash, curl and jq) against a running Kassa
 * and its simulator: every `sh` block in order. Only the four set-up lines are given by the
 * test instead, since its Kassa, simulator and key are not npm start's (KASSA, SANDBOX, KEY,
 * AUTH). The script runs asynchronously: Kassa answers it from this same process.
 */
const run = promisify(execFile);
const DOC = new URL("../../../../docs/refunds.md", import.meta.url);
const SET_UP = /^(KASSA|SANDBOX|KEY|AUTH)=/;

let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
});
afterAll(async () => {
  await kassa?.close();
});

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

describe("docs/refunds.md", () => {
  it("walks through a refund, a refusal and an ABNORMAL refund settled offline, as written", async () => {
    const token = await kassa.login();
    await payOrderAtSimulator(kassa, token);
    const key = (await makeApiKey(kassa)).secret;
    const lines = shellBlocks(readFileSync(DOC, "utf8"))
      .flatMap((block) => block.split("\n"))
      .filter((line) => line.trim() !== "" && !SET_UP.test(line));
    const { stdout } = await run("bash", ["-e", "-o", "pipefail", "-c", lines.join("\n")], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        KASSA: kassa.url,
        SANDBOX: kassa.sandbox.url,
        KEY: key,
        AUTH: `authorization: Bearer ${key}`,
      },
      timeout: 30_000,
    });
    expect(stdout.trim().split("\n")).toEqual([
      '{"status":"PROCESSING","amountFen":100}',
      '{"fired":true}',
      '{"status":"SUCCESS","settledOffline":false}',
      '{"causeType":"payment_captured","postings":[{"account":"wechatpay:clearing","amountFen":1200},{"account":"sales","amountFen":-1200}]}',
      '{"causeType":"refund_succeeded","postings":[{"account":"refunds","amountFen":100},{"account":"wechatpay:clearing","amountFen":-100}]}',
      '{"status":"PAID","refundedFen":100}',
      '{"code":"REFUND_AMOUNT_TOO_LARGE","details":{"refundableFen":1100}}',
      '{"status":"PROCESSING"}',
      '{"status":"ABNORMAL"}',
      '{"status":"ABNORMAL"}',
      '{"status":"SUCCESS","settledOffline":true}',
    ]);
    await expectLedgerHolds(kassa.running.kassa.deps.db);
  });
});
