import { WechatPayError } from "../errors.ts";

/**
 * The lines of a bill read from a stream of bytes, one at a time, so that memory holds one
 * chunk and one line whatever the file's size. UTF-8 is decoded strictly (§5.7: the bill
 * is UTF-8; a byte that is not is a broken file, not a character to guess), and a leading
 * BOM is dropped by the decoder. Lines end with LF; the parser drops a CR before it.
 *
 * A line longer than `maxLineChars` is refused: a real row is a few hundred characters, and
 * a file without line breaks must not grow one string without bound.
 */
export const MAX_BILL_LINE_CHARS = 64 * 1024;

export async function* billLines(
  chunks: AsyncIterable<Uint8Array | string>,
  maxLineChars = MAX_BILL_LINE_CHARS,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let lineNumber = 0;
  for await (const chunk of chunks) {
    pending += decode(decoder, chunk, true, lineNumber);
    let start = 0;
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
      lineNumber += 1;
      yield pending.slice(start, end);
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineChars) throw lineTooLong(lineNumber + 1, maxLineChars);
  }
  pending += decode(decoder, new Uint8Array(0), false, lineNumber);
  if (pending.length > maxLineChars) throw lineTooLong(lineNumber + 1, maxLineChars);
  if (pending !== "") yield pending;
}

function decode(
  decoder: InstanceType<typeof TextDecoder>,
  chunk: Uint8Array | string,
  more: boolean,
  lineNumber: number,
): string {
  if (typeof chunk === "string") return chunk;
  try {
    return decoder.decode(chunk, { stream: more });
  } catch (cause) {
    throw new WechatPayError(
      "BILL_FORMAT_INVALID",
      `the bill file is not valid UTF-8 (after line ${lineNumber})`,
      {
        cause,
        diagnostics: { line: lineNumber },
      },
    );
  }
}

function lineTooLong(lineNumber: number, maxLineChars: number): WechatPayError {
  return new WechatPayError(
    "BILL_FORMAT_INVALID",
    `bill line ${lineNumber} is longer than ${maxLineChars} characters; a bill row never is`,
    { diagnostics: { line: lineNumber, maxLineChars } },
  );
}
