/**
 * Percent-encoding for path parameters and query values. The signed URL must be the one
 * sent, byte for byte (§2 "Message to sign"): `|` and `*` are legal in out_trade_no and
 * out_refund_no (§5.1, §5.4), and a client that signs `a|b` while the wire carries `a%7Cb`
 * gets 401 SIGN_ERROR. We encode everything outside RFC 3986's unreserved set, as Go's
 * `url.PathEscape` does for the official SDK, and the URL parser leaves `%XX` untouched.
 */
export function encodeUrlComponent(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `?k=v&...` in the given order, each key and value encoded; "" when there is none. */
export function buildQueryString(query: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(query ?? {});
  if (pairs.length === 0) return "";
  return `?${pairs.map(([key, value]) => `${encodeUrlComponent(key)}=${encodeUrlComponent(value)}`).join("&")}`;
}
