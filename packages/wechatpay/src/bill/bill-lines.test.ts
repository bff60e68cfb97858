import { describe, expect, it } from "vitest";
import { billLines } from "./bill-lines.ts";

async function linesOfChunks(chunks: (Uint8Array | string)[], max?: number): Promise<string[]> {
  const lines: string[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const line of billLines(source(), max)) lines.push(line);
  return lines;
}

describe("billLines: a bill's lines from a byte stream", () => {
  it("splits lines and UTF-8 characters that cross chunk boundaries, and drops the BOM", async () => {
    const bytes = Buffer.from("\uFEFF交易时间,商户号\r\n`拿铁,`1\r\n`b,`2", "utf8");
    const oneByteChunks = [...bytes].map((byte) => Uint8Array.of(byte));
    expect(await linesOfChunks(oneByteChunks)).toEqual(["交易时间,商户号\r", "`拿铁,`1\r", "`b,`2"]);
  });

  it("refuses bytes that are not UTF-8 with BILL_FORMAT_INVALID", async () => {
    await expect(linesOfChunks([Buffer.from("ok\n"), Uint8Array.of(0x60, 0xff, 0xfe)])).rejects.toMatchObject(
      {
        code: "BILL_FORMAT_INVALID",
      },
    );
  });

  it("refuses a line longer than the limit instead of growing one string without bound", async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(100, "x"));
    await expect(linesOfChunks(chunks, 500)).rejects.toMatchObject({
      code: "BILL_FORMAT_INVALID",
      diagnostics: { line: 1, maxLineChars: 500 },
    });
    expect(await linesOfChunks(["a\n", "b"], 500)).toEqual(["a", "b"]);
  });
});
