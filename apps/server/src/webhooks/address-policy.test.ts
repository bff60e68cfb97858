import { describe, expect, it } from "vitest";
import { addressRefusal } from "./address-policy.ts";

describe("where webhooks may go", () => {
  const production = { allowLoopback: false };

  it("refuses loopback, private, unique local, link-local, CGNAT, metadata and unspecified addresses", () => {
    const refused: [string, RegExp][] = [
      ["127.0.0.1", /loopback/],
      ["::1", /loopback/],
      ["10.0.0.1", /private/],
      ["172.16.5.4", /private/],
      ["192.168.1.1", /private/],
      ["fd12:3456::1", /unique local/],
      ["169.254.169.254", /metadata/],
      ["fd00:ec2::254", /metadata/],
      ["169.254.10.1", /link-local/],
      ["fe80::1", /link-local/],
      ["100.64.0.1", /carrier-grade NAT/],
      ["0.0.0.0", /unspecified/],
      ["::", /unspecified/],
      ["224.0.0.1", /multicast/],
      ["::ffff:10.0.0.1", /10\.0\.0\.1 is a private/],
      ["2002:a00:1::1", /6to4/],
      ["64:ff9b::a00:1", /rfc6052/],
    ];
    for (const [address, reason] of refused)
      expect(addressRefusal(address, production), address).toMatch(reason);
  });

  it("allows public addresses, and loopback only when asked (demo mode)", () => {
    for (const address of ["203.208.60.1", "8.8.8.8", "2606:4700:4700::1111"])
      expect(addressRefusal(address, production), address).toBeUndefined();
    expect(addressRefusal("127.0.0.1", { allowLoopback: true })).toBeUndefined();
    expect(addressRefusal("::1", { allowLoopback: true })).toBeUndefined();
    expect(addressRefusal("10.0.0.1", { allowLoopback: true })).toMatch(/private/);
    expect(addressRefusal("169.254.169.254", { allowLoopback: true })).toMatch(/metadata/);
  });
});
