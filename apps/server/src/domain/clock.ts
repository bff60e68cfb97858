/** Time comes from outside the domain (design.md convention 1): epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
