import { describe, expect, it } from "vitest";
import { SingleFlight } from "./single-flight.ts";

describe("SingleFlight", () => {
  it("runs concurrent calls with one key once, and each gets the result", async () => {
    const flights = new SingleFlight();
    let runs = 0;
    let finish: (value: string) => void = () => {};
    const work = () => {
      runs += 1;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const calls = Array.from({ length: 5 }, () => flights.run("order-1", work));
    finish("done");
    expect(await Promise.all(calls)).toEqual(["done", "done", "done", "done", "done"]);
    expect(runs).toBe(1);
  });

  it("runs again once the earlier run settled, and keeps keys apart", async () => {
    const flights = new SingleFlight();
    let runs = 0;
    const work = async () => {
      runs += 1;
      return runs;
    };
    expect(await flights.run("a", work)).toBe(1);
    expect(await flights.run("a", work)).toBe(2);
    expect(await Promise.all([flights.run("a", work), flights.run("b", work)])).toEqual([3, 4]);
  });

  it("shares a failure with every waiter and does not keep it", async () => {
    const flights = new SingleFlight();
    const failing = () => Promise.reject(new Error("channel down"));
    const calls = [flights.run("k", failing), flights.run("k", failing)];
    for (const call of calls) await expect(call).rejects.toThrow("channel down");
    expect(await flights.run("k", async () => "ok")).toBe("ok");
  });
});
