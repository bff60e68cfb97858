import { expect } from "vitest";
import type { Answer, KassaUnderTest } from "./kassa-harness.ts";

/** The merchant API's tipping calls as a merchant's server makes them, for the tip flow tests. */
export interface RecipientBody {
  id: string;
  name: string;
  active: boolean;
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
  timeZone: string;
  balanceFen: number;
}

export interface TipBody {
  orderId: string;
  recipientId: string;
  amountFen: number;
  message: string | null;
  day: string;
  status: string;
}

export type TippedBody = { id: string; kind: string; status: string; amountFen: number; tip: TipBody };

export const RULES = { presetAmountsFen: [100, 666, 1888], minFen: 100, maxFen: 20_000, dailyCapFen: 50_000 };

export class MerchantTips {
  constructor(
    private readonly kassa: KassaUnderTest,
    private readonly key: string,
  ) {}

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.kassa.request("POST", path, {
      headers: { authorization: `Bearer ${this.key}`, ...headers },
      ...(body === undefined ? {} : { body }),
    });
  }

  get(path: string): Promise<Answer> {
    return this.kassa.request("GET", path, { headers: { authorization: `Bearer ${this.key}` } });
  }

  async recipient(rules: Partial<typeof RULES> = {}, name = "主播小王 Host Wang"): Promise<RecipientBody> {
    const answer = await this.post("/merchant/v1/tip-recipients", { name, ...RULES, ...rules });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as RecipientBody;
  }

  async balanceOf(recipientId: string): Promise<number> {
    const answer = await this.get(`/merchant/v1/tip-recipients/${recipientId}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body as RecipientBody).balanceFen;
  }

  async tipsOf(recipientId: string): Promise<(TipBody & { userId: string })[]> {
    const answer = await this.get(`/merchant/v1/tip-recipients/${recipientId}/tips?limit=100`);
    expect(answer.status).toBe(200);
    return (answer.body as { data: (TipBody & { userId: string })[] }).data;
  }
}

/** A payer tips as the mini program does: POST /v1/tips. */
export function tip(
  kassa: KassaUnderTest,
  token: string,
  body: { recipientId: string; amountFen: number; message?: string },
): Promise<Answer> {
  return kassa.request("POST", "/v1/tips", { token, body });
}

export async function tipped(
  kassa: KassaUnderTest,
  token: string,
  body: { recipientId: string; amountFen: number; message?: string },
): Promise<TippedBody> {
  const answer = await tip(kassa, token, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as TippedBody;
}

/**
 * Every payer's daily total is exactly the sum of their tips that count toward it (PENDING and
 * PAID) that day, and none is above the recipient's cap unless a late payment took it there:
 * checked after each tip test.
 */
export async function expectDailyTotalsAddUp(kassa: KassaUnderTest): Promise<void> {
  const db = kassa.running.kassa.deps.db;
  const totals = await db.selectFrom("tip_daily_totals").selectAll().execute();
  const counted = await db
    .selectFrom("tips")
    .select((eb) => ["recipient_id", "user_id", "day", eb.fn.sum<number | string>("amount_fen").as("fen")])
    .where("status", "in", ["PENDING", "PAID"])
    .groupBy(["recipient_id", "user_id", "day"])
    .execute();
  const sumOf = new Map(
    counted.map((row) => [`${row.recipient_id} ${row.user_id} ${row.day}`, Number(row.fen)]),
  );
  for (const total of totals)
    expect(Number(total.held_fen), `${total.recipient_id} ${total.user_id} ${total.day}`).toBe(
      sumOf.get(`${total.recipient_id} ${total.user_id} ${total.day}`) ?? 0,
    );
  expect(counted.length).toBeLessThanOrEqual(totals.length);
}
