import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EnvReader } from "../config-reader.ts";
import { readRiskSettings, readWecomRobotUrl } from "../config-risk.ts";
import { DEFAULT_RISK_SETTINGS, decide, RISK_RULE_IDS, RISK_RULES, rulesCounting } from "./risk.ts";

/** The risk rules as data (issue 13 "Risk rules"): what each decides, its settings, and docs/risk.md. */
describe("the risk rules", () => {
  it("fire at the threshold, with the rule's throttle and alert", () => {
    const rule = RISK_RULES.pay_failures_per_user;
    const limits = { threshold: 3, windowMinutes: 10, throttleMinutes: 15 };
    expect(decide(rule, limits, 2)).toEqual({ fired: false, rule: rule.id, count: 2 });
    expect(decide(rule, limits, 3)).toEqual({
      fired: true,
      rule: rule.id,
      count: 3,
      throttleMs: 900_000,
      alert: true,
    });
    expect(decide(RISK_RULES.refunds_per_operator, { ...limits, throttleMinutes: 0 }, 9)).toMatchObject({
      fired: true,
      throttleMs: 0,
    });
  });

  it("count each signal by the rules that name it", () => {
    expect(rulesCounting("pay_failed").map((rule) => rule.per)).toEqual(["user", "address"]);
    expect(rulesCounting("refund_requested").map((rule) => rule.id)).toEqual(["refunds_per_operator"]);
  });

  it("read each rule's settings, with defaults, and refuse nonsense", () => {
    const problems: string[] = [];
    const settings = readRiskSettings(
      new EnvReader(
        {
          KASSA_RISK_PAY_FAILURES_PER_USER: "3",
          KASSA_RISK_PAY_FAILURES_PER_USER_WINDOW_MINUTES: "5",
          KASSA_RISK_PAY_FAILURES_PER_USER_THROTTLE_MINUTES: "0",
          KASSA_RISK_ORDERS_PER_APP: "0",
        },
        problems,
      ),
    );
    expect(settings.pay_failures_per_user).toEqual({ threshold: 3, windowMinutes: 5, throttleMinutes: 0 });
    expect(settings.refunds_per_operator).toEqual(DEFAULT_RISK_SETTINGS.refunds_per_operator);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("KASSA_RISK_ORDERS_PER_APP");
  });

  it("take a WeCom robot address with its key, https in production, and never echo it", () => {
    const read = (value: string, mode: "demo" | "production") => {
      const problems: string[] = [];
      const url = readWecomRobotUrl(new EnvReader({ KASSA_WECOM_ROBOT_URL: value }, problems), mode);
      return { url, problems };
    };
    const good = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-secret";
    expect(read(good, "production")).toEqual({ url: good, problems: [] });
    expect(read("http://127.0.0.1:9/send?key=abc-secret", "demo").problems).toEqual([]);
    for (const [value, mode] of [
      ["http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-secret", "production"],
      ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "production"],
      ["not a url abc-secret", "demo"],
    ] as const) {
      const { url, problems } = read(value, mode);
      expect(url).toBeUndefined();
      expect(problems).toHaveLength(1);
      expect(problems[0]).not.toContain("abc-secret");
    }
  });

  it("are all in docs/risk.md with their settings and defaults", () => {
    const file = readFileSync(new URL("../../../../docs/risk.md", import.meta.url), "utf8");
    for (const id of RISK_RULE_IDS) {
      const { setting, defaults } = RISK_RULES[id];
      const row = file.split("\n").find((line) => line.startsWith(`| \`${id}\``));
      expect(row, id).toBeDefined();
      expect(row).toContain(`\`${setting}\` (\`${defaults.threshold}\`)`);
      expect(row).toContain(`${defaults.windowMinutes} minute`);
      expect(row).toContain(defaults.throttleMinutes === 0 ? "none" : `${defaults.throttleMinutes} minutes`);
    }
  });
});
