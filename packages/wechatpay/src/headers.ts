/** Headers as fetch gives them, or as Node's `IncomingMessage#headers` (lower-cased keys). */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Read one header by its lower-case name from either shape (§3.1: Node lower-cases
 * incoming names; a hand-built record may not, so names are matched without case).
 *
 * A header sent more than once is combined as fetch combines it (values joined by ", "),
 * so an ambiguous repeat of a Wechatpay-* header fails verification instead of one of
 * its values being picked silently.
 */
export function readHeader(headers: HeaderSource, lowerCaseName: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(lowerCaseName) ?? undefined;
  }
  const record = headers as HeaderRecord;
  const key = Object.hasOwn(record, lowerCaseName)
    ? lowerCaseName
    : findKeyIgnoringCase(record, lowerCaseName);
  const value = key === undefined ? undefined : record[key];
  if (value === undefined || typeof value === "string") return value;
  return value.length === 0 ? undefined : value.join(", ");
}

function findKeyIgnoringCase(record: HeaderRecord, lowerCaseName: string): string | undefined {
  return Object.keys(record).find((key) => key.toLowerCase() === lowerCaseName);
}
