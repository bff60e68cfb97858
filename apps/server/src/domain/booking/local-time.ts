/**
 * A slot's times as the merchant writes them: a wall-clock time in the merchant's time zone
 * (Asia/Shanghai by default), e.g. "2026-12-05T19:30", stored as an instant (epoch ms).
 * Only the built-in Intl time zone data is used.
 */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** "YYYY-MM-DDTHH:mm" or with ":ss"; no offset (the time zone says it). */
export const LOCAL_TIME_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$";
const LOCAL_TIME = new RegExp(LOCAL_TIME_PATTERN);

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function partsIn(zone: string, epochMs: number): number[] {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return [get("year"), get("month"), get("day"), get("hour"), get("minute"), get("second")];
}

/** How far ahead of UTC the zone's clocks are at this instant, in ms. */
function offsetAt(zone: string, epochMs: number): number {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = partsIn(zone, epochMs);
  return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `zone` names, or undefined when it is not a real time
 * there (a malformed string, 25:00, February 30th, or a time skipped by a clock change).
 */
export function localToEpoch(local: string, zone: string): number | undefined {
  if (!LOCAL_TIME.test(local)) return undefined;
  const [datePart = "", timePart = ""] = local.split("T");
  const [year = 0, month = 0, day = 0] = datePart.split("-").map(Number);
  const [hour = 0, minute = 0, second = 0] = timePart.split(":").map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two rounds settle the offset across a clock change; the check below refuses a skipped time.
  let epoch = asUtc - offsetAt(zone, asUtc);
  epoch = asUtc - offsetAt(zone, epoch);
  return epochToLocal(epoch, zone) === formatLocal([year, month, day, hour, minute, second])
    ? epoch
    : undefined;
}

/** The wall-clock time in `zone` of an instant, "YYYY-MM-DDTHH:mm:ss". */
export function epochToLocal(epochMs: number, zone: string): string {
  return formatLocal(partsIn(zone, epochMs));
}

function formatLocal([year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0]: number[]): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}`;
}
