import type { PagePosition } from "../db/keyset-page.ts";
import { KassaError } from "../domain/errors.ts";

/**
 * Page cursors of every list (mini program, merchant and admin APIs): a row's (sort value,
 * id), base64url-encoded. Opaque to clients, and no authority: every query names the caller's
 * user or app, so a forged cursor reaches nothing of anyone else's.
 */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${position.createdAt}:${position.id}`, "utf8").toString("base64url");
}

/** `ids`: what the ids of this list look like (domain/ids.ts idPattern, or a product id's). */
export function decodeCursor(cursor: string, ids: RegExp, field = "querystring/cursor"): PagePosition {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^([0-9]{1,16}):(.{1,64})$/s.exec(text);
  const createdAt = Number(match?.[1]);
  if (!match?.[2] || !ids.test(match[2]) || !Number.isSafeInteger(createdAt)) {
    throw new KassaError("REQUEST_INVALID", {
      issues: [
        {
          field,
          issue:
            "not a cursor Kassa gave: send back a page's nextCursor unchanged, or none for the first page",
        },
      ],
    });
  }
  return { createdAt, id: match[2] };
}

/**
 * The page a list answers from the `limit + 1` rows it read: the first `limit`, and a cursor
 * past the last of them when the extra row says there is more.
 */
export function pageOfRows<Row>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => PagePosition,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
