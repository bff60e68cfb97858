import { createHash } from "node:crypto";
import type { FastifyReply } from "fastify";

/**
 * The sandbox's two plain pages (the payer's cashier, the admin overview): server-rendered
 * HTML, no scripts, no external assets. One inline stylesheet, allowed by its hash in a
 * strict Content-Security-Policy, so a browser test sees no CSP violation and nothing can
 * run even if an escaped value slipped through.
 */

/** What a route returns to be sent as an HTML page rather than JSON. */
export class HtmlPage {
  constructor(
    readonly title: string,
    readonly body: string,
  ) {}

  toString(): string {
    return [
      "<!doctype html>",
      '<html lang="zh-CN">',
      "<head>",
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(this.title)}</title>`,
      `<style>${STYLE}</style>`,
      "</head>",
      `<body>${this.body}</body>`,
      "</html>",
    ].join("\n");
  }
}

const STYLE = [
  "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:72rem}",
  "h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}",
  "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}",
  ".amount{font-size:2rem;font-weight:600}.muted{color:#666}.error{color:#a00}.ok{color:#070}",
  "form.actions{display:flex;flex-direction:column;gap:1rem;max-width:28rem}fieldset{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}",
  "button{padding:.5rem 1rem;font-size:1rem}textarea{width:100%;min-height:10rem;font-family:monospace}",
].join("");

const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");

/** Nothing loads, nothing runs; forms post back to the sandbox only. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export function sendPage(reply: FastifyReply, page: HtmlPage, status = 200): FastifyReply {
  return reply
    .code(status)
    .header("Content-Security-Policy", PAGE_CSP)
    .header("X-Content-Type-Options", "nosniff")
    .type("text/html; charset=utf-8")
    .send(page.toString());
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A table; its cells are HTML, each value escaped by the caller. `testid` names it for browser tests. */
export function htmlTable(testid: string, headers: string[], rows: string[][], empty = "none yet"): string {
  if (rows.length === 0)
    return `<p class="muted" data-testid="${escapeHtml(testid)}-empty">${escapeHtml(empty)}</p>`;
  const head = `<tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join("")}</tr>`;
  const body = rows.map((cells) => `<tr>${cells.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("\n");
  return `<table data-testid="${escapeHtml(testid)}"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
