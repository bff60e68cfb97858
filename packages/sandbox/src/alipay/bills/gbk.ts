/**
 * GBK encoding without a dependency (A.5: Alipay's bill CSVs are GBK). Node's TextDecoder
 * (full ICU) decodes GBK but nothing encodes it, so the encoder is the decoder run backwards:
 * every two-byte GBK sequence is decoded once, on first use, into a char → bytes table.
 */

let table: Map<string, number> | undefined;

function encoderTable(): Map<string, number> {
  if (table) return table;
  const decoder = new TextDecoder("gbk");
  const built = new Map<string, number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && char !== "\uFFFD" && !built.has(char)) built.set(char, (lead << 8) | trail);
    }
  }
  table = built;
  return built;
}

/** `text` in GBK; a character GBK lacks becomes "?" (bills only hold what a merchant typed). */
export function encodeGbk(text: string): Buffer {
  const codes = encoderTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = codes.get(char);
    if (pair === undefined) bytes.push(0x3f);
    else bytes.push(pair >> 8, pair & 0xff);
  }
  return Buffer.from(bytes);
}
