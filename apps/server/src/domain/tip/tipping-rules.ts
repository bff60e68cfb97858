import { epochToLocal } from "../booking/local-time.ts";
import { MAX_ORDER_FEN } from "../money.ts";

/**
 * A recipient's tipping rules (issue 10, "Tipping"), as data: the amounts the mini program
 * offers as buttons, the least and the most one tip may be, and the most one payer may tip
 * this recipient in one day of the recipient's time zone (Asia/Shanghai by default, as a
 * booking's slot times are). The payer names the amount (the only kind where the client does);
 * the server still checks it against these rules.
 */
export interface TippingRules {
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
  timeZone: string;
}

export const MAX_PRESET_AMOUNTS = 8;
/** The most a payer's message may carry, in characters (code points): a line, not a letter. */
export const MAX_TIP_MESSAGE_CHARS = 140;

/**
 * The rules in their one stored form (presets ascending), or why they are not rules: whole fen,
 * 1 <= min <= max <= the largest order, each preset within [min, max] and distinct, and a daily
 * cap of at least the minimum (a cap below it would refuse every tip).
 */
export function checkRules(
  rules: TippingRules,
): { ok: true; rules: TippingRules } | { ok: false; reason: string } {
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_ORDER_FEN;
  if (!whole(rules.minFen) || !whole(rules.maxFen) || !whole(rules.dailyCapFen))
    return { ok: false, reason: `minFen, maxFen and dailyCapFen must be whole fen, 1 to ${MAX_ORDER_FEN}` };
  if (rules.minFen > rules.maxFen) return { ok: false, reason: "minFen is above maxFen" };
  if (rules.dailyCapFen < rules.minFen) return { ok: false, reason: "dailyCapFen is below minFen" };
  if (rules.presetAmountsFen.length > MAX_PRESET_AMOUNTS)
    return { ok: false, reason: `at most ${MAX_PRESET_AMOUNTS} preset amounts` };
  const presets = [...rules.presetAmountsFen].sort((a, b) => a - b);
  for (const [index, preset] of presets.entries()) {
    if (!Number.isSafeInteger(preset) || preset < rules.minFen || preset > rules.maxFen)
      return { ok: false, reason: `preset ${preset} is not whole fen within minFen and maxFen` };
    if (presets[index - 1] === preset) return { ok: false, reason: `preset ${preset} appears twice` };
  }
  return { ok: true, rules: { ...rules, presetAmountsFen: presets } };
}

/** Why a tip of this amount breaks the rules (before the daily cap), or undefined when it does not. */
export function amountRefusal(
  rules: Pick<TippingRules, "minFen" | "maxFen">,
  amountFen: number,
):
  | { code: "TIP_AMOUNT_BELOW_MINIMUM"; details: { minFen: number; maxFen: number } }
  | { code: "TIP_AMOUNT_ABOVE_MAXIMUM"; details: { minFen: number; maxFen: number } }
  | undefined {
  const details = { minFen: rules.minFen, maxFen: rules.maxFen };
  if (amountFen < rules.minFen) return { code: "TIP_AMOUNT_BELOW_MINIMUM", details };
  if (amountFen > rules.maxFen) return { code: "TIP_AMOUNT_ABOVE_MAXIMUM", details };
  return undefined;
}

/**
 * The message as stored, or why it cannot be: trimmed, empty becomes none, at most
 * MAX_TIP_MESSAGE_CHARS code points, no control characters (a newline included: one line).
 * It is stored and answered as text; whatever reads it must show it as text, never as HTML.
 */
export function checkMessage(
  message: string | undefined,
): { ok: true; message: string | null } | { ok: false; reason: string } {
  const trimmed = message?.trim() ?? "";
  if (trimmed === "") return { ok: true, message: null };
  if ([...trimmed].length > MAX_TIP_MESSAGE_CHARS)
    return { ok: false, reason: `at most ${MAX_TIP_MESSAGE_CHARS} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed))
    return { ok: false, reason: "no control characters or line breaks" };
  return { ok: true, message: trimmed };
}

/** The day a tip at `now` counts on: the recipient's calendar day, YYYY-MM-DD. */
export function tipDay(now: number, timeZone: string): string {
  return epochToLocal(now, timeZone).slice(0, 10);
}
