/**
 * The §5.7 file layout every bill shares: UTF-8 with a BOM, a header row in Chinese, data
 * rows whose every cell starts with a backtick (so Excel keeps long numbers as text), then
 * a summary header and one summary row, backticked too. Lines end with CRLF.
 *
 * A cell must not contain the `,\`` that separates cells, nor a line break: free text
 * (the description, attach) has its backticks turned into `'` and line breaks into spaces.
 */
export function billFile(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  summaryHeader: readonly string[],
  summary: readonly string[],
): Buffer {
  const backticked = (cells: readonly string[]) => cells.map((cell) => `\`${cleanCell(cell)}`).join(",");
  const lines = [header.join(","), ...rows.map(backticked), summaryHeader.join(","), backticked(summary)];
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
}

function cleanCell(cell: string): string {
  return cell.replaceAll("`", "'").replace(/[\r\n]+/g, " ");
}
