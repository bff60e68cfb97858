import { describe, expect, it } from "vitest";
import { checkEndpointUrl, hostMatches } from "./endpoint-url.ts";

const production = {
  mode: "production" as const,
  allowedHosts: () => ["hooks.shop.example", "*.erp.example"],
};
const demo = { mode: "demo" as const, allowedHosts: () => [] };
const codeOf = (rules: typeof production | typeof demo, url: string) => {
  try {
    checkEndpointUrl(rules, "app_default", url);
    return "accepted";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("an endpoint URL", () => {
  it("in production: https on an allowed host, never a refused address", () => {
    expect(codeOf(production, "https://hooks.shop.example/kassa?token=1")).toBe("accepted");
    expect(codeOf(production, "https://a.erp.example/hook")).toBe("accepted");
    expect(codeOf(production, "http://hooks.shop.example/kassa")).toBe("WEBHOOK_URL_INVALID");
    expect(codeOf(production, "https://erp.example/hook")).toBe("WEBHOOK_HOST_NOT_ALLOWED");
    expect(codeOf(production, "https://evil.example/hook")).toBe("WEBHOOK_HOST_NOT_ALLOWED");
    expect(codeOf(production, "https://127.0.0.1/hook")).toBe("WEBHOOK_ADDRESS_REFUSED");
    expect(codeOf(production, "https://[::1]/hook")).toBe("WEBHOOK_ADDRESS_REFUSED");
    expect(codeOf(production, "https://2130706433/hook")).toBe("WEBHOOK_ADDRESS_REFUSED");
  });

  it("in demo mode: http too and loopback, still never private or metadata addresses", () => {
    expect(codeOf(demo, "http://127.0.0.1:3000/hook")).toBe("accepted");
    expect(codeOf(demo, "http://localhost:3000/hook")).toBe("accepted");
    expect(codeOf(demo, "http://10.0.0.1/hook")).toBe("WEBHOOK_ADDRESS_REFUSED");
    expect(codeOf(demo, "http://169.254.169.254/latest/meta-data")).toBe("WEBHOOK_ADDRESS_REFUSED");
    expect(codeOf(demo, "http://[fd00:ec2::254]/")).toBe("WEBHOOK_ADDRESS_REFUSED");
  });

  it("is an absolute http(s) URL without credentials or fragment", () => {
    for (const url of [
      "hooks.shop.example",
      "ftp://x.example/",
      "https://u:p@x.example/",
      "https://x.example/#a",
    ])
      expect(codeOf(demo, url), url).toBe("WEBHOOK_URL_INVALID");
  });

  it("matches a host exactly, or under a *. domain but not the domain itself", () => {
    expect(hostMatches("shop.example", "shop.example")).toBe(true);
    expect(hostMatches("shop.example", "a.shop.example")).toBe(false);
    expect(hostMatches("*.shop.example", "a.shop.example")).toBe(true);
    expect(hostMatches("*.shop.example", "shop.example")).toBe(false);
    expect(hostMatches("*.shop.example", "evilshop.example")).toBe(false);
  });
});
