import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALERT_EVENTS, ALERT_STATUSES, type AlertStatus, liveKeyOf, transitionAlert } from "./alert.ts";

/** The alert transition table, walked whole (issue 13 "Alerts"). */
describe("the alert transition table", () => {
  it("never leaves resolved, and reaches it only by `resolve`", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALERT_EVENTS), { maxLength: 20 }), (events) => {
        let status: AlertStatus = "open";
        for (const event of events) {
          const move = transitionAlert(status, event);
          if (status === "resolved") expect(move.ok).toBe(false);
          if (!move.ok) continue;
          if (move.to === "resolved") expect(event).toBe("resolve");
          status = move.to;
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("reaches every status from open, and never goes back to open", () => {
    const reachable = new Set<AlertStatus>(["open"]);
    for (const from of ALERT_STATUSES)
      for (const event of ALERT_EVENTS) {
        const move = transitionAlert(from, event);
        if (move.ok) {
          reachable.add(move.to);
          expect(move.to).not.toBe("open");
        }
      }
    expect([...reachable].sort()).toEqual([...ALERT_STATUSES].sort());
    expect(transitionAlert("acknowledged", "acknowledge").ok).toBe(false);
  });

  it("keys live alerts so that no kind or subject can collide with another", () => {
    expect(liveKeyOf({ kind: "a", subjectId: "b,c" })).not.toBe(liveKeyOf({ kind: "a,b", subjectId: "c" }));
    expect(liveKeyOf({ kind: "a", subjectId: "b", appId: null })).toBe(
      liveKeyOf({ kind: "a", subjectId: "b" }),
    );
  });
});
