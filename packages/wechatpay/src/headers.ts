/** Headers as fetch gives them, or as Node's `IncomingMessage#headers` (lower-cased keys). */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Read one header by its lower-case name from either shape; repeated headers keep the first. */
export function readHeader(headers: HeaderSource, lowerCaseName: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(lowerCaseName) ?? undefined;
  }
  const value = (headers as Record<string, string | readonly string[] | undefined>)[lowerCaseName];
  return typeof value === "string" ? value : value?.[0];
}
