import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "./events.ts";

describe("docs/webhooks.md", () => {
  it("has a row in its event-type table for every type an endpoint can take, and none other", () => {
    const file = readFileSync(new URL("../../../../docs/webhooks.md", import.meta.url), "utf8");
    const table = file.slice(file.indexOf("## Event types"));
    const rows = [...table.matchAll(/^\| `([a-z_]+\.[a-z_]+)` +\|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual([...EVENT_TYPES].sort());
  });
});
