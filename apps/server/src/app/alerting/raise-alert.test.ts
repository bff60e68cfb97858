import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { moveAlert } from "../../db/alerts-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { DEFAULT_RISK_SETTINGS } from "../../domain/risk.ts";
import { randomIdSource } from "../../random-ids.ts";
import { raiseAlert } from "./raise-alert.ts";

/**
 * The one way alerts are raised (issue 13 "Alerts"): de-duplicated by the database, so
 * raisers on two connections (two instances) make one alert; logged once at warn; one
 * `alert.raised` event for an app's alert; a WeCom job only when the robot is configured.
 * SQLite and PostgreSQL.
 */
let database: TestDatabase;
let second: ReturnType<TestDatabase["connectAgain"]>;
const T = 1_764_000_000_000;
const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
const log = {
  info: (fields: Record<string, unknown>, message: string) => lines.push({ level: "info", fields, message }),
  warn: (fields: Record<string, unknown>, message: string) => lines.push({ level: "warn", fields, message }),
  error: (fields: Record<string, unknown>, message: string) =>
    lines.push({ level: "error", fields, message }),
};
function depsWith(wecomRobotUrl: string | undefined) {
  return {
    ids: randomIdSource,
    clock: { now: () => T },
    log,
    settings: { alerting: { wecomRobotUrl }, risk: DEFAULT_RISK_SETTINGS } as never,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  second = database.connectAgain();
});
afterAll(async () => {
  await second?.close();
  await database?.close();
});

const rows = (db: Executor, subjectId: string) =>
  db.selectFrom("alerts").selectAll().where("subject_id", "=", subjectId).orderBy("created_at").execute();

describe("raiseAlert", () => {
  it("raises once and counts repeats while the alert is open or acknowledged", async () => {
    const deps = depsWith(undefined);
    const alert = { kind: "refund_abnormal", subjectId: "ord_dup", appId: "app_default", detail: { a: 1 } };
    const first = await raiseAlert(deps, database.db, alert);
    const again = await raiseAlert(deps, database.db, alert);
    expect(first.raised).toBe(true);
    expect(again).toEqual({ alertId: first.alertId, raised: false });
    await moveAlert(database.db, {
      alertId: first.alertId,
      from: "open",
      event: "acknowledge",
      by: "opr_1",
      note: null,
      now: T,
    });
    expect((await raiseAlert(deps, database.db, alert)).raised).toBe(false);
    const [row] = await rows(database.db, "ord_dup");
    expect(row).toMatchObject({ status: "acknowledged", repeat_count: 3 });
    const events = await database.db
      .selectFrom("outbox_events")
      .selectAll()
      .where("aggregate_id", "=", first.alertId)
      .execute();
    expect(events.map((event) => event.type)).toEqual(["alert.raised"]);
    expect(JSON.parse(events[0]?.payload ?? "{}")).toMatchObject({
      alert: {
        id: first.alertId,
        kind: "refund_abnormal",
        subjectId: "ord_dup",
        status: "open",
        detail: { a: 1 },
      },
    });
    const warned = lines.filter((line) => line.level === "warn" && line.fields.alertId === first.alertId);
    expect(warned.map((line) => line.message)).toEqual(["alert raised"]);
  });

  it("raises a new alert once the live one is resolved", async () => {
    const deps = depsWith(undefined);
    const alert = { kind: "refund_abnormal", subjectId: "ord_again", appId: "app_default", detail: {} };
    const first = await raiseAlert(deps, database.db, alert);
    expect(
      await moveAlert(database.db, {
        alertId: first.alertId,
        from: "open",
        event: "resolve",
        by: "opr_1",
        note: "paid back by bank transfer",
        now: T,
      }),
    ).toBe(true);
    const next = await raiseAlert(deps, database.db, alert);
    expect(next.raised).toBe(true);
    expect(next.alertId).not.toBe(first.alertId);
    expect((await rows(database.db, "ord_again")).map((row) => row.status).sort()).toEqual([
      "open",
      "resolved",
    ]);
  });

  it("keeps one alert per kind, subject and app: other apps and kinds are apart", async () => {
    const deps = depsWith(undefined);
    const base = { kind: "k1", subjectId: "sub_apart", detail: {} };
    const raised = [
      await raiseAlert(deps, database.db, { ...base, appId: "app_default" }),
      await raiseAlert(deps, database.db, { ...base, appId: "app_other" }),
      await raiseAlert(deps, database.db, base),
      await raiseAlert(deps, database.db, { ...base, kind: "k2" }),
    ];
    expect(raised.map((result) => result.raised)).toEqual([true, true, true, true]);
  });

  it("makes one alert when raisers on two connections race", async () => {
    const deps = depsWith(undefined);
    const alert = {
      kind: "risk_pay_failures_per_user",
      subjectId: "user:usr_race",
      appId: "app_default",
      detail: {},
    };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => raiseAlert(deps, i % 2 === 0 ? database.db : second.db, alert)),
    );
    expect(results.filter((result) => result.raised)).toHaveLength(1);
    const stored = await rows(database.db, "user:usr_race");
    expect(stored).toHaveLength(1);
    expect(stored[0]?.repeat_count).toBe(12);
  });

  it("schedules the WeCom job only when a robot is configured, and sends no event for a deployment's own alert", async () => {
    const without = await raiseAlert(depsWith(undefined), database.db, {
      kind: "operator_locked_out",
      subjectId: "opr_quiet",
      detail: {},
    });
    const withRobot = await raiseAlert(
      depsWith("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
      database.db,
      {
        kind: "operator_locked_out",
        subjectId: "opr_loud",
        detail: {},
      },
    );
    const jobs = await database.db
      .selectFrom("jobs")
      .select(["kind", "payload"])
      .where("kind", "=", "alert.notify")
      .execute();
    expect(jobs.map((job) => JSON.parse(job.payload))).toEqual([{ alertId: withRobot.alertId }]);
    const events = await database.db
      .selectFrom("outbox_events")
      .select("id")
      .where("aggregate_id", "in", [without.alertId, withRobot.alertId])
      .execute();
    expect(events).toEqual([]);
  });
});
