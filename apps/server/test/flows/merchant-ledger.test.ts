import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey, makeOtherApp } from "../merchant-keys.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * The merchant API's books (issue 9 §1), after purchases paid through the simulator:
 * balances, the journal a page at a time, and a day's trial balance whose totals agree.
 */
let kassa: KassaUnderTest;
let key: string;
let token: string;
const paid: { id: string; amountFen: number }[] = [];

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa, { scopes: "read" })).secret;
  token = await kassa.login();
  for (const quantity of [1, 2, 3]) {
    paid.push(await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity }]));
  }
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const get = async (path: string, secret = key) =>
  kassa.request("GET", path, { headers: { authorization: `Bearer ${secret}` } });
const total = () => paid.reduce((sum, order) => sum + order.amountFen, 0);

type Entry = {
  seq: number;
  position: number | null;
  prevHash: string | null;
  hash: string | null;
  causeType: string;
  orderId: string;
  postings: { account: string; amountFen: number }[];
};
type EntryPage = { data: Entry[]; hasMore: boolean; nextCursor: string | null };

/** Today as China counts days (UTC+8), on Kassa's clock. */
const chinaToday = () =>
  new Date(kassa.running.kassa.deps.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe("the merchant API's ledger", () => {
  it("shows each account's balance: what WeChat Pay holds equals what was sold", async () => {
    const answer = await get("/merchant/v1/ledger/accounts");
    expect(answer.status).toBe(200);
    const { data, nextCursor } = answer.body as {
      data: { code: string; balanceFen: number }[];
      nextCursor: null;
    };
    expect(data).toEqual([
      expect.objectContaining({ code: "sales", type: "revenue", normalSide: "credit", balanceFen: total() }),
      expect.objectContaining({
        code: "wechatpay:clearing",
        type: "asset",
        normalSide: "debit",
        balanceFen: total(),
      }),
    ]);
    expect(nextCursor).toBeNull();
    const first = (await get("/merchant/v1/ledger/accounts?limit=1")).body as {
      data: { code: string }[];
      nextCursor: string;
    };
    const second = (await get(`/merchant/v1/ledger/accounts?limit=1&cursor=${first.nextCursor}`))
      .body as typeof first;
    expect([...first.data, ...second.data].map((account) => account.code)).toEqual([
      "sales",
      "wechatpay:clearing",
    ]);
  });

  it("pages the journal in chain order, with each entry's postings, and filters by order", async () => {
    const seen: Entry[] = [];
    let after = "";
    for (;;) {
      const page = (await get(`/merchant/v1/ledger/entries?limit=2${after && `&after=${after}`}`))
        .body as EntryPage;
      seen.push(...page.data);
      after = page.nextCursor ?? "";
      if (!page.hasMore) break;
    }
    expect(seen.map((entry) => entry.position)).toEqual([1, 2, 3]);
    expect(seen[1]!.prevHash).toBe(seen[0]!.hash);
    expect(seen.map((entry) => entry.orderId)).toEqual(paid.map((order) => order.id));
    expect(seen[1]).toMatchObject({
      causeType: "payment_captured",
      postings: [
        { account: "wechatpay:clearing", amountFen: paid[1]!.amountFen, side: "debit" },
        { account: "sales", amountFen: -paid[1]!.amountFen, side: "credit" },
      ],
    });
    // Polling past the end keeps the cursor, so a reader can come back for what is posted next.
    const end = (await get(`/merchant/v1/ledger/entries?after=${after}`)).body as EntryPage;
    expect(end).toEqual({ data: [], hasMore: false, nextCursor: after });
    const one = (await get(`/merchant/v1/ledger/entries?orderId=${paid[2]!.id}`)).body as EntryPage;
    expect(one.data.map((entry) => entry.position)).toEqual([3]);
  });

  it("gives a day's trial balance: opening, debits, credits, closing per account, and totals that agree", async () => {
    const answer = await get(`/merchant/v1/ledger/trial-balance?date=${chinaToday()}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      date: chinaToday(),
      timezone: "Asia/Shanghai",
      accounts: [
        { code: "sales", openingFen: 0, debitsFen: 0, creditsFen: total(), closingFen: total() },
        { code: "wechatpay:clearing", openingFen: 0, debitsFen: total(), creditsFen: 0, closingFen: total() },
      ],
      totals: {
        debitsFen: total(),
        creditsFen: total(),
        closingDebitFen: total(),
        closingCreditFen: total(),
      },
    });
    const yesterday = new Date(Date.parse(chinaToday()) - 86_400_000).toISOString().slice(0, 10);
    expect((await get(`/merchant/v1/ledger/trial-balance?date=${yesterday}`)).body).toMatchObject({
      accounts: [],
      totals: { debitsFen: 0, creditsFen: 0 },
    });
  });

  it("carries yesterday's closing into today's opening after the clock passes midnight in China", async () => {
    const today = chinaToday();
    const now = kassa.running.kassa.deps.clock.now();
    const nextMidnight = Date.parse(today) - 8 * 3_600_000 + 86_400_000;
    await kassa.sandbox.admin.advanceClock(nextMidnight - now + 60_000);
    const before = total();
    paid.push(await payOrderAtSimulator(kassa, token));
    const tomorrow = chinaToday();
    expect(tomorrow).not.toBe(today);
    const body = (await get(`/merchant/v1/ledger/trial-balance?date=${tomorrow}`)).body as {
      accounts: { code: string; openingFen: number; closingFen: number }[];
      totals: Record<string, number>;
    };
    expect(body.accounts.map(({ code, openingFen, closingFen }) => [code, openingFen, closingFen])).toEqual([
      ["sales", before, total()],
      ["wechatpay:clearing", before, total()],
    ]);
    expect(body.totals.debitsFen).toBe(body.totals.creditsFen);
    expect(body.totals.closingDebitFen).toBe(body.totals.closingCreditFen);
  });

  it("refuses a day that is not one and a cursor Kassa did not give, by field", async () => {
    for (const [path, field] of [
      ["/merchant/v1/ledger/trial-balance?date=2026-02-30", "querystring/date"],
      ["/merchant/v1/ledger/entries?after=bm90LWEtY3Vyc29y", "querystring/after"],
      ["/merchant/v1/ledger/accounts?cursor=bm90LWEtY3Vyc29y", "querystring/cursor"],
    ] as const) {
      const answer = await get(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ code: "REQUEST_INVALID", details: { issues: [{ field }] } });
    }
    expect((await get("/merchant/v1/ledger/trial-balance?date=1st")).status).toBe(400);
    expect((await get("/merchant/v1/ledger/trial-balance")).status).toBe(400);
  });

  it("lists an entry awaiting its seal with its order only, then in the journal once sealed", async () => {
    const journal = async () => {
      const entries: Entry[] = [];
      let after = "";
      for (;;) {
        const page = (await get(`/merchant/v1/ledger/entries?limit=50${after && `&after=${after}`}`))
          .body as EntryPage;
        entries.push(...page.data);
        after = page.nextCursor ?? "";
        if (!page.hasMore) return entries;
      }
    };
    const before = await journal();
    // The harness runs no sealer loop: the capture below waits for its seal until sealNow.
    const order = await payOrderAtSimulator(kassa, token);
    paid.push(order);
    expect(await journal()).toEqual(before);
    const waiting = (await get(`/merchant/v1/ledger/entries?orderId=${order.id}`)).body as EntryPage;
    expect(waiting.data).toMatchObject([
      { orderId: order.id, causeType: "payment_captured", position: null, prevHash: null, hash: null },
    ]);
    // Its balance is counted already: a read adds what awaits its seal.
    const sales = async () =>
      (
        (await get("/merchant/v1/ledger/accounts")).body as { data: { code: string; balanceFen: number }[] }
      ).data.find((account) => account.code === "sales")?.balanceFen;
    expect(await sales()).toBe(total());
    expect(await kassa.running.kassa.sealer.sealNow()).toBe(1);
    const after = await journal();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toMatchObject([
      { orderId: order.id, position: before.length + 1, prevHash: before.at(-1)!.hash },
    ]);
    expect(await sales()).toBe(total());
  });

  it("shows another app's key only that app's books: none", async () => {
    const other = (await makeApiKey(kassa, { app: await makeOtherApp(kassa), scopes: "read" })).secret;
    expect((await get("/merchant/v1/ledger/accounts", other)).body).toEqual({ data: [], nextCursor: null });
    expect((await get("/merchant/v1/ledger/entries", other)).body).toEqual({
      data: [],
      hasMore: false,
      nextCursor: null,
    });
    expect((await get(`/merchant/v1/ledger/entries?orderId=${paid[0]!.id}`, other)).body).toMatchObject({
      data: [],
    });
  });
});
