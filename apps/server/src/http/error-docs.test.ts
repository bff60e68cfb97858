import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderErrorsMarkdown } from "./error-docs.ts";

describe("docs/errors.md", () => {
  it("lists exactly the codes of the registry, with their statuses (run `npm run docs:errors` to update)", () => {
    const file = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");
    expect(file).toBe(renderErrorsMarkdown());
  });
});
