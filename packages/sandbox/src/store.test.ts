import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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
/** Permission bits in octal ("600"), so a failure reads like `ls -l`. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

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

  it("keeps state.json (platform keys, APIv3 key, app secrets) 0600, in a data directory it creates 0700", async () => {
    const dir = join(freshDir(), "sandbox");
    const store = await SnapshotStore.open(dir);
    store.setMeta("apiV3Key", "secret");
    await store.commit();
    expect(modeOf(join(dir, "state.json"))).toBe("600");
    expect(modeOf(dir)).toBe("700");
    const relaxed = await SnapshotStore.open(freshDir(), "relaxed");
    relaxed.setMeta("apiV3Key", "secret");
    await relaxed.flush();
    expect(modeOf(relaxed.file)).toBe("600");
  });

  it("makes a world-readable state.json 0600 on open, and writes 0600 even over a stale 0644 temporary file", async () => {
    const dir = freshDir();
    const file = join(dir, "state.json");
    const first = await SnapshotStore.open(dir);
    first.setMeta("k", "v");
    await first.commit();
    chmodSync(file, 0o644); // as an older simulator left it
    const reopened = await SnapshotStore.open(dir);
    expect(modeOf(file)).toBe("600");
    // A crash can leave the temporary file behind, and a container's simulator gets the same pid again.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, "left by a crash", { mode: 0o644 });
    chmodSync(temporary, 0o644);
    reopened.setMeta("k", "w");
    await reopened.commit();
    expect(modeOf(file)).toBe("600");
    expect(JSON.parse(readFileSync(file, "utf8")).meta.k).toBe("w");
  });
});
