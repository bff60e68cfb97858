import { WechatPayError } from "../errors.ts";
import type { Fen } from "../types.ts";
import { clip, type MilliFen, tryPercentToPpm, tryScaleDecimal } from "./amounts.ts";

/**
 * Columns are found BY HEADER NAME, never by position (§5.7: "Some merchants and variants
 * add or omit columns, so map by header name"). A {@link ColumnTable} names, for each
 * English field, its Chinese header and whether the bill is unusable without it.
 */
export interface ColumnSpec {
  header: string;
  required: boolean;
}

export type ColumnTable<Field extends string> = Readonly<Record<Field, ColumnSpec>>;

/** Where each known column sits in one bill, resolved once from its header row. */
export class ColumnLayout<Field extends string> {
  readonly width: number;
  readonly #positions: ReadonlyMap<Field, number>;
  readonly #headers: ColumnTable<Field>;
  /** Columns the table does not know, kept so that no data is dropped silently. */
  readonly #extras: readonly (readonly [header: string, position: number])[];

  constructor(table: ColumnTable<Field>, headerCells: readonly string[], what: string, lineNumber: number) {
    const byHeader = new Map<string, number>();
    headerCells.forEach((cell, position) => {
      const header = cell.trim();
      if (byHeader.has(header)) {
        throw formatError(`${what} line ${lineNumber}: the header ${header} appears twice`, lineNumber);
      }
      byHeader.set(header, position);
    });
    const positions = new Map<Field, number>();
    for (const [field, spec] of Object.entries(table) as [Field, ColumnSpec][]) {
      const position = byHeader.get(spec.header);
      if (position !== undefined) {
        positions.set(field, position);
        byHeader.delete(spec.header);
      } else if (spec.required) {
        throw formatError(
          `${what} line ${lineNumber}: the required column ${spec.header} is missing`,
          lineNumber,
          {
            column: spec.header,
          },
        );
      }
    }
    this.width = headerCells.length;
    this.#positions = positions;
    this.#headers = table;
    this.#extras = [...byHeader];
  }

  /** One field's raw cell, when the line has as many cells as the header (else positions lie). */
  cellOf(cells: readonly string[], field: Field): string | undefined {
    const position = this.#positions.get(field);
    return cells.length === this.width && position !== undefined ? cells[position] : undefined;
  }

  /** A reader over one line's cells, which must be exactly as many as the headers. */
  read(cells: readonly string[], what: string, lineNumber: number): CellReader<Field> {
    if (cells.length !== this.width) {
      throw formatError(
        `${what} line ${lineNumber} has ${cells.length} cells but the header has ${this.width}`,
        lineNumber,
        { cells: cells.length, headers: this.width },
      );
    }
    return new CellReader(cells, this.#positions, this.#headers, this.#extras, what, lineNumber);
  }
}

/** Typed access to one line's cells by field name; every failure names the line and column. */
export class CellReader<Field extends string> {
  constructor(
    private readonly cells: readonly string[],
    private readonly positions: ReadonlyMap<Field, number>,
    private readonly headers: ColumnTable<Field>,
    private readonly extras: readonly (readonly [string, number])[],
    private readonly what: string,
    private readonly lineNumber: number,
  ) {}

  /** The cell, or undefined when the column is absent from this bill or the cell is empty. */
  optional(field: Field): string | undefined {
    const position = this.positions.get(field);
    const cell = position === undefined ? undefined : this.cells[position];
    return cell === undefined || cell === "" ? undefined : cell;
  }

  /** A cell that must hold a value. */
  text(field: Field): string {
    const cell = this.optional(field);
    if (cell === undefined) throw this.#invalid(field, "is empty", undefined);
    return cell;
  }

  fen(field: Field): Fen {
    return this.#scaled(field, this.text(field), 2, "an amount in yuan with at most 2 decimals");
  }

  optionalFen(field: Field): Fen | undefined {
    const cell = this.optional(field);
    return cell === undefined ? undefined : this.fen(field);
  }

  milliFen(field: Field): MilliFen {
    return this.#scaled(field, this.text(field), 5, "an amount in yuan with at most 5 decimals");
  }

  /** A count; axios-plugin's sample bill writes 总交易单数 as `45.0`, so a zero fraction passes. */
  count(field: Field): number {
    const cell = this.text(field);
    const scaled = /^[0-9]+(\.0+)?$/.test(cell) ? tryScaleDecimal(cell.split(".")[0] ?? "", 0) : undefined;
    if (scaled === undefined) throw this.#invalid(field, "is not a whole count", cell);
    return scaled;
  }

  /** A rate such as `0.60%` as parts per million, or undefined when absent. */
  optionalPercentPpm(field: Field): number | undefined {
    const cell = this.optional(field);
    if (cell === undefined) return undefined;
    const ppm = tryPercentToPpm(cell);
    if (ppm === undefined) throw this.#invalid(field, "is not a percentage like 0.60%", cell);
    return ppm;
  }

  /** One of a fixed vocabulary, kept as written (§5.7 bills use the v2 state names). */
  oneOf<Value extends string>(field: Field, vocabulary: readonly Value[]): Value {
    const cell = this.text(field);
    if (!(vocabulary as readonly string[]).includes(cell)) {
      throw this.#invalid(field, `is not one of ${vocabulary.join(", ")}`, cell);
    }
    return cell as Value;
  }

  optionalOneOf<Value extends string>(field: Field, vocabulary: readonly Value[]): Value | undefined {
    return this.optional(field) === undefined ? undefined : this.oneOf(field, vocabulary);
  }

  /** The cells of columns the table does not know, by their header. */
  extra(): Record<string, string> {
    const extra: Record<string, string> = {};
    for (const [header, position] of this.extras) extra[header] = this.cells[position] ?? "";
    return extra;
  }

  #scaled(field: Field, cell: string, decimals: number, expected: string): number {
    const value = tryScaleDecimal(cell, decimals);
    if (value === undefined) throw this.#invalid(field, `is not ${expected}`, cell);
    return value;
  }

  /**
   * Only cells of amount, count and state columns are quoted: an identifier column may hold
   * personal data (openid), which must stay out of errors.
   */
  #invalid(field: Field, issue: string, quotedCell: string | undefined): WechatPayError {
    const column = this.headers[field].header;
    const shown = quotedCell === undefined ? "" : ` ("${clip(quotedCell)}")`;
    return formatError(
      `${this.what} line ${this.lineNumber}, column ${column}${shown} ${issue}`,
      this.lineNumber,
      {
        column,
        ...(quotedCell === undefined ? {} : { value: clip(quotedCell) }),
      },
    );
  }
}

export function formatError(
  detail: string,
  lineNumber: number,
  diagnostics: Record<string, unknown> = {},
): WechatPayError {
  return new WechatPayError("BILL_FORMAT_INVALID", detail, {
    diagnostics: { line: lineNumber, ...diagnostics },
  });
}
