import { KassaError } from "../../domain/errors.ts";

/**
 * Page cursors of the merchant API: a row's (created_at, id), base64url-encoded. Opaque to
 * clients, and no authority: every query names the key's app, so a forged cursor reaches
 * nothing of another app's.
 */
export interface Position {
  createdAt: number;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.createdAt}:${position.id}`, "utf8").toString("base64url");
}

/** `idPattern`: the ids this list pages over (`ord_…`, `evt_…`, a product id). */
export function decodeCursor(cursor: string, idPattern: RegExp, field = "querystring/cursor"): Position {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^([0-9]{1,16}):(.{1,64})$/s.exec(text);
  const createdAt = Number(match?.[1]);
  if (!match?.[2] || !idPattern.test(match[2]) || !Number.isSafeInteger(createdAt)) {
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
