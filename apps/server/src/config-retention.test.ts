import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { DEFAULT_RETENTION } from "./config-retention.ts";

/** KASSA_RETENTION_* (docs/configuration.md "Data retention"): defaults, and the minimums that protect running payments. */
describe("data retention settings", () => {
  it("default to 30, 7, 90, 30, 90 and 1095 days", () => {
    expect(loadConfig({}, "/tmp").retention).toEqual({
      sessionsDays: 30,
      idempotencyKeysDays: 7,
      notificationsDays: 90,
      webhookAttemptsDays: 30,
      eventsDays: 90,
      inactiveUsersDays: 1095,
    });
    expect(loadConfig({}, "/tmp").retention).toEqual(DEFAULT_RETENTION);
  });

  it("take each variable in days", () => {
    const retention = loadConfig(
      {
        KASSA_RETENTION_SESSIONS_DAYS: "0",
        KASSA_RETENTION_IDEMPOTENCY_KEYS_DAYS: "2",
        KASSA_RETENTION_NOTIFICATIONS_DAYS: "30",
        KASSA_RETENTION_WEBHOOK_ATTEMPTS_DAYS: "14",
        KASSA_RETENTION_EVENTS_DAYS: "7",
        KASSA_RETENTION_INACTIVE_USERS_DAYS: "365",
      },
      "/tmp",
    ).retention;
    expect(retention).toEqual({
      sessionsDays: 0,
      idempotencyKeysDays: 2,
      notificationsDays: 30,
      webhookAttemptsDays: 14,
      eventsDays: 7,
      inactiveUsersDays: 365,
    });
  });

  it("refuse a value below its minimum, naming the variable", () => {
    let error: unknown;
    try {
      loadConfig(
        {
          KASSA_RETENTION_NOTIFICATIONS_DAYS: "1",
          KASSA_RETENTION_EVENTS_DAYS: "6",
          KASSA_RETENTION_INACTIVE_USERS_DAYS: "30",
        },
        "/tmp",
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain("KASSA_RETENTION_NOTIFICATIONS_DAYS");
    expect(problems[1]).toContain("KASSA_RETENTION_EVENTS_DAYS");
    expect(problems[2]).toContain("KASSA_RETENTION_INACTIVE_USERS_DAYS");
  });
});
