import { AlipayError } from "./errors.ts";

/**
 * The byte spans of the members of a top-level JSON object, found without parsing values.
 *
 * Reference A.3, "Response verification (v2)": Alipay signs the exact raw JSON text of the
 * `*_response` value, so it must be cut out of the answer as sent, never re-serialised.
 * alipay-sdk cuts between the key and the last `"sign"` with string searches (`getSignStr`);
 * this reads the JSON grammar instead, so a `"sign"` inside a value, an `alipay_cert_sn`
 * before or after the response, or whitespace around the value cannot move the cut. It works
 * on the bytes: every structural character is ASCII, and in UTF-8 no byte of a multi-byte
 * character is ASCII, so the span holds the exact bytes Alipay signed.
 */
export interface MemberSpan {
  /** The value's first byte. */
  start: number;
  /** One past the value's last byte. */
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Refuses anything that is not one valid JSON object, or that repeats a top-level key. */
export function topLevelMembers(bytes: Buffer): Map<string, MemberSpan> {
  try {
    JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw shapeError("the answer is not JSON", error);
  }
  const members = new Map<string, MemberSpan>();
  let offset = skipWhitespace(bytes, 0);
  if (bytes[offset] !== OPEN_BRACE) throw shapeError("the answer is not a JSON object");
  offset = skipWhitespace(bytes, offset + 1);
  if (bytes[offset] === CLOSE_BRACE) return members;
  for (;;) {
    const keyEnd = skipString(bytes, offset);
    const key = JSON.parse(bytes.subarray(offset, keyEnd).toString("utf8")) as string;
    offset = skipWhitespace(bytes, keyEnd);
    offset = skipWhitespace(bytes, offset + 1); // the colon, checked by JSON.parse above
    const end = skipValue(bytes, offset);
    // JSON.parse keeps the last of two equal keys; a verifier that read the first would
    // check other bytes than the caller reads. Either way the answer is ambiguous: refused.
    if (members.has(key)) throw shapeError(`the key ${JSON.stringify(key)} appears twice`);
    members.set(key, { start: offset, end });
    offset = skipWhitespace(bytes, end);
    if (bytes[offset] === CLOSE_BRACE) return members;
    offset = skipWhitespace(bytes, offset + 1); // the comma
  }
}

function skipWhitespace(bytes: Buffer, offset: number): number {
  let at = offset;
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
    at++;
  }
  return at;
}

/** From an opening quote to one past its closing quote. */
function skipString(bytes: Buffer, offset: number): number {
  if (bytes[offset] !== QUOTE) throw shapeError("expected a string");
  for (let at = offset + 1; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === BACKSLASH) at++;
    else if (byte === QUOTE) return at + 1;
  }
  throw shapeError("unterminated string");
}

function skipValue(bytes: Buffer, offset: number): number {
  const first = bytes[offset];
  if (first === QUOTE) return skipString(bytes, offset);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let at = offset; at < bytes.length; at++) {
      const byte = bytes[at];
      if (byte === QUOTE) at = skipString(bytes, at) - 1;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return at + 1;
      }
    }
    throw shapeError("unterminated object or array");
  }
  // A number, true, false or null: runs to the next comma, brace or whitespace.
  let at = offset;
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte === COMMA || byte === CLOSE_BRACE || byte === COLON) break;
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) break;
    at++;
  }
  return at;
}

function shapeError(detail: string, cause?: unknown): AlipayError {
  return new AlipayError("RESPONSE_SHAPE_INVALID", detail, { cause });
}
