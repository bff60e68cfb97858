import { WechatPayError } from "../errors.ts";
import type { CellReader, ColumnTable } from "./columns.ts";
import { ColumnLayout, formatError } from "./columns.ts";

/**
 * The layout every §5.7 bill shares, read one line at a time so that a large bill never
 * needs more memory than its parsed rows (or none at all, with {@link streamBill}):
 *
 *   line 1       header in Chinese, cells separated by `,` (UTF-8 BOM in front)
 *   lines 2..n   data rows: every cell starts with a backtick, so a row splits on ",`"
 *                after dropping its leading backtick
 *   line n+1     summary header in Chinese, no backticks
 *   line n+2     summary values, backticked like the data rows
 *
 * A line that does not start with a backtick after the data header is therefore the
 * summary header. Blank lines are ignored; LF and CRLF both end a line.
 */
export interface BillSpec<Field extends string, Row, SummaryField extends string, Summary> {
  /** Named in errors, e.g. "trade bill". */
  what: string;
  rowColumns: ColumnTable<Field>;
  summaryColumns: ColumnTable<SummaryField>;
  toRow(cells: CellReader<Field>): Row;
  toSummary(cells: CellReader<SummaryField>): Summary;
  /**
   * The columns that identify a row (ids, never personal data), copied into an
   * `unreadable` event so that whoever reads the report can find the row.
   */
  keyFields: readonly Field[];
}

export interface ParsedBill<Row, Summary> {
  rows: Row[];
  summary: Summary;
}

export type BillEvent<Row, Summary> =
  /** `line`: where the row is in the file (1 is the header), for whoever has to find it. */
  | { kind: "row"; row: Row; line: number }
  | { kind: "summary"; summary: Summary }
  /** A data row that could not be read, reported instead of thrown ({@link BillParseOptions}). */
  | { kind: "unreadable"; line: number; problem: string; key: Readonly<Record<string, string>> };

export interface BillParseOptions {
  /**
   * `throw` (default): a data row that cannot be read fails the bill. `report`: it becomes
   * an `unreadable` event and parsing goes on, so one row in a state this parser does not
   * know never stops a day's reconciliation. The header, the summary and a truncated file
   * always throw: without them no row can be trusted.
   */
  unreadableRows?: "throw" | "report";
}

const BYTE_ORDER_MARK = "\uFEFF";
const BACKTICK = "`";

/** Feed lines in order with {@link push}; call {@link finish} after the last one. */
export class BillLineParser<Field extends string, Row, SummaryField extends string, Summary> {
  #lineNumber = 0;
  #rowLayout: ColumnLayout<Field> | undefined;
  #summaryLayout: ColumnLayout<SummaryField> | undefined;
  #summary: Summary | undefined;

  readonly #reportUnreadable: boolean;

  constructor(
    private readonly spec: BillSpec<Field, Row, SummaryField, Summary>,
    options: BillParseOptions = {},
  ) {
    this.#reportUnreadable = options.unreadableRows === "report";
  }

  /** The row or the summary the line holds; undefined for header and blank lines. */
  push(rawLine: string): BillEvent<Row, Summary> | undefined {
    this.#lineNumber += 1;
    const line = normaliseLine(rawLine, this.#lineNumber);
    if (line === "") return undefined;
    const { what } = this.spec;
    const at = this.#lineNumber;
    if (this.#rowLayout === undefined) {
      if (line.startsWith(BACKTICK)) throw formatError(`${what} line ${at}: expected the header row`, at);
      this.#rowLayout = new ColumnLayout(this.spec.rowColumns, line.split(","), what, at);
      return undefined;
    }
    if (this.#summary !== undefined) {
      throw formatError(`${what} line ${at}: nothing may follow the summary row`, at);
    }
    if (this.#summaryLayout === undefined) {
      if (!line.startsWith(BACKTICK)) {
        this.#summaryLayout = new ColumnLayout(
          this.spec.summaryColumns,
          line.split(","),
          `${what} summary`,
          at,
        );
        return undefined;
      }
      return this.#dataRow(this.#rowLayout, splitCells(line), at);
    }
    if (!line.startsWith(BACKTICK)) {
      throw formatError(`${what} line ${at}: the summary values must start with a backtick`, at);
    }
    this.#summary = this.spec.toSummary(this.#summaryLayout.read(splitCells(line), `${what} summary`, at));
    return { kind: "summary", summary: this.#summary };
  }

  #dataRow(layout: ColumnLayout<Field>, cells: string[], at: number): BillEvent<Row, Summary> {
    try {
      return { kind: "row", row: this.spec.toRow(layout.read(cells, this.spec.what, at)), line: at };
    } catch (error) {
      if (!this.#reportUnreadable || !(error instanceof WechatPayError)) throw error;
      const key: Record<string, string> = {};
      for (const field of this.spec.keyFields) {
        const cell = layout.cellOf(cells, field);
        if (cell !== undefined && cell !== "") key[field] = cell;
      }
      return { kind: "unreadable", line: at, problem: error.message, key };
    }
  }

  /** The summary; throws if the bill ended before it (a truncated file). */
  finish(): Summary {
    if (this.#summary === undefined) {
      const missing = this.#rowLayout === undefined ? "the header row" : "the summary rows";
      throw formatError(
        `${this.spec.what} ended at line ${this.#lineNumber} without ${missing}`,
        this.#lineNumber,
      );
    }
    return this.#summary;
  }
}

/** Parses a whole bill held in memory. */
export function parseBillText<Field extends string, Row, SummaryField extends string, Summary>(
  text: string,
  spec: BillSpec<Field, Row, SummaryField, Summary>,
): ParsedBill<Row, Summary> {
  const parser = new BillLineParser(spec);
  const rows: Row[] = [];
  for (const line of linesOf(text)) {
    const event = parser.push(line);
    if (event?.kind === "row") rows.push(event.row);
  }
  return { rows, summary: parser.finish() };
}

/**
 * Parses a bill from any async source of lines, e.g.
 * `readline.createInterface({ input: stream, crlfDelay: Infinity })`, yielding each row as
 * it is read and the summary last; throws at the end if the summary never came.
 */
export async function* streamBill<Field extends string, Row, SummaryField extends string, Summary>(
  lines: AsyncIterable<string> | Iterable<string>,
  spec: BillSpec<Field, Row, SummaryField, Summary>,
  options: BillParseOptions = {},
): AsyncGenerator<BillEvent<Row, Summary>, void, undefined> {
  const parser = new BillLineParser(spec, options);
  for await (const line of lines) {
    const event = parser.push(line);
    if (event !== undefined) yield event;
  }
  parser.finish();
}

/** The lines of a text without splitting it into an array first. */
export function* linesOf(text: string): Generator<string, void, undefined> {
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    yield text.slice(start, end);
    start = end + 1;
  }
}

function normaliseLine(line: string, lineNumber: number): string {
  const withoutBom = lineNumber === 1 && line.startsWith(BYTE_ORDER_MARK) ? line.slice(1) : line;
  return withoutBom.endsWith("\r") ? withoutBom.slice(0, -1) : withoutBom;
}

/** "`a,`b,`" → ["a", "b", ""] (§5.7: drop the leading backtick, split on ",`"). */
function splitCells(line: string): string[] {
  return line.slice(BACKTICK.length).split(`,${BACKTICK}`);
}
