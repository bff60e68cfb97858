import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SnapshotStore } from "./store.ts";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "sandbox-store-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the snapshot store", () => {
  it("has every change on disk when commit resolves (fsync durability)", async () => {
    const dir = freshDir();
    const store = await SnapshotStore.open(dir);
    store.table<{ n: number }>("orders").set("a", { n: 1 });
    await store.commit();
    expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).tables.orders.a).toEqual({ n: 1 });
  });

  it("answers at once with relaxed durability, and writes on flush (close) what is left", async () => {
    const dir = freshDir();
    const store = await SnapshotStore.open(dir, "relaxed");
    store.table<{ n: number }>("orders").set("a", { n: 2 });
    await store.commit();
    expect(existsSync(join(dir, "state.json"))).toBe(false);
    await store.flush();
    const reopened = await SnapshotStore.open(dir, "relaxed");
    expect(reopened.table<{ n: number }>("orders").get("a")).toEqual({ n: 2 });
  });

  it("writes a relaxed change within about a second without a flush", async () => {
    const dir = freshDir();
    const store = await SnapshotStore.open(dir, "relaxed");
    store.setMeta("k", "v");
    await store.commit();
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).meta.k).toBe("v");
  });
});
