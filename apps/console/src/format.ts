/**
 * Money and times as an operator reads them: integer fen shown as ¥ with two decimals
 * (integer arithmetic, no float rounding), times in the merchant's zone.
 */
export const MERCHANT_TIME_ZONE = "Asia/Shanghai";

export function yuanOf(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

const TIME = new Intl.DateTimeFormat("sv-SE", {
  timeZone: MERCHANT_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "2026-12-02 10:38:10" in Asia/Shanghai, from an ISO time; "—" for none. */
export function timeOf(iso: string | null | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? TIME.format(ms) : iso;
}

/**
 * What an operator typed as yuan ("12", "12.5", "12.34", "¥1,200.00"), as integer fen, by
 * the digits (no float): undefined when it is not an amount with at most two decimals.
 */
export function fenOf(typed: string): number | undefined {
  const text = typed.trim().replace(/^¥/, "").replaceAll(",", "");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
