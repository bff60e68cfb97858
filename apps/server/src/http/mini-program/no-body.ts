import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";

/** At most this many unknown fields are named back: the rest add nothing but echo. */
const MAX_NAMED_FIELDS = 10;

/**
 * The routes registered in `scope` take no body (pay, confirm, cancel, logout): docs/api.md
 * says unknown fields are refused, so a body with anything in it is refused with
 * REQUEST_INVALID naming the fields, never silently ignored. Accepted: no body, an empty
 * body, or `{}`. wx.request sends `content-type: application/json` with an empty body when
 * given no `data`, so here an empty JSON body is "no body", not malformed JSON.
 */
export function takesNoBody(scope: KassaApp): void {
  const parseJson = scope.getDefaultJsonParser("error", "error");
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, typeof body === "string" ? body : body.toString("utf8"), done);
  });

  scope.addHook("preValidation", async (request) => {
    const issues = issuesOf(request.body);
    if (issues.length > 0) throw new KassaError("REQUEST_INVALID", { issues });
  });
}

function issuesOf(body: unknown): { field: string; issue: string }[] {
  if (body === undefined) return [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ field: "body", issue: "this call takes no body: send none, or {}" }];
  }
  return Object.keys(body)
    .slice(0, MAX_NAMED_FIELDS)
    .map((key) => ({
      field: `body/${jsonPointerToken(key)}`,
      issue: "unknown field: this call takes no body",
    }));
}

/** RFC 6901 §3, as Ajv names fields in the other routes' REQUEST_INVALID details. */
function jsonPointerToken(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}
