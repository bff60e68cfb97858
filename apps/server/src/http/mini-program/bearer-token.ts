/**
 * The token of an `Authorization: Bearer <token>` header, or undefined. The scheme name is
 * case-insensitive (RFC 9110 §11.1), so `bearer` and `BEARER` are the same scheme; the token
 * is RFC 6750 §2.1's b64token, which ours (`kst_` + base64url) always is.
 */
const BEARER = /^bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export function bearerTokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}
