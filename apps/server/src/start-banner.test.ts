import { describe, expect, it } from "vitest";
import { startBanner } from "./start-banner.ts";

describe("startBanner", () => {
  it("shows the demo page and the simulator in demo mode", () => {
    const lines = startBanner({
      config: { mode: "demo", databaseUrl: "/srv/kassa/.data/kassa.sqlite" },
      url: "http://127.0.0.1:8700",
      simulatorUrl: "http://127.0.0.1:8780",
    });
    expect(lines).toContain("Kassa is running (demo mode, database /srv/kassa/.data/kassa.sqlite)");
    expect(lines).toContain("  Demo page:  http://127.0.0.1:8700/demo");
    expect(lines.some((line) => line.startsWith("  Simulator:  http://127.0.0.1:8780"))).toBe(true);
  });

  it("prints the console's URL and the demo operator's login in demo mode", () => {
    const lines = startBanner({
      config: { mode: "demo", databaseUrl: "/srv/kassa/.data/kassa.sqlite" },
      url: "http://127.0.0.1:8700",
      simulatorUrl: "http://127.0.0.1:8780",
      demoOperator: { login: "demo", password: "pw-from-the-data-dir" },
    });
    expect(lines).toContain("  Console:    http://127.0.0.1:8700/console");
    expect(lines.join("\n")).toContain("operator demo, password pw-from-the-data-dir");
  });

  it("prints no demo page in production, where /demo answers 404, and never the database URL's password", () => {
    const lines = startBanner({
      config: { mode: "production", databaseUrl: "postgres://kassa:s3cret@db:5432/kassa" },
      url: "http://0.0.0.0:8700",
      simulatorUrl: undefined,
    });
    expect(lines.join("\n")).not.toContain("/demo");
    expect(lines.join("\n")).not.toContain("s3cret");
    expect(lines).toEqual([
      "",
      "Kassa is running (production mode, database PostgreSQL)",
      "  API:        http://0.0.0.0:8700/v1",
      "  API docs:   http://0.0.0.0:8700/docs",
      "  Console:    http://0.0.0.0:8700/console",
      "Stop with Ctrl+C.",
      "",
    ]);
  });
});
