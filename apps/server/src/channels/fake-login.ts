import { randomBytes } from "node:crypto";
import type { Clock } from "../domain/clock.ts";
import type { LoginChannel, LoginOutcome } from "./login-channel.ts";

/** How long a minted code stays good: five minutes, as wx.login's (reference §7.2). */
const CODE_TTL_MS = 5 * 60_000;

/**
 * An in-memory LoginChannel: one-time codes that expire, each naming one user. The login
 * contract's second subject (login-channel.contract.ts), never a stand-in in flow tests.
 */
export class FakeLogin implements LoginChannel {
  readonly name = "wechatpay" as const;
  readonly #clock: Clock;
  readonly #codes = new Map<string, { channelUserId: string; expiresAt: number; used: boolean }>();

  constructor(options: { clock: Clock }) {
    this.#clock = options.clock;
  }

  async exchangeCode(code: string): Promise<LoginOutcome> {
    const record = this.#codes.get(code);
    if (!record || this.#clock.now() >= record.expiresAt)
      return { outcome: "code_refused", reason: "unknown or expired" };
    if (record.used) return { outcome: "code_refused", reason: "already used" };
    record.used = true;
    return { outcome: "identified", channelUserId: record.channelUserId };
  }

  /** The mini program's side: a fresh code for this user (a new user when none is named). */
  mintCode(channelUserId = `fake-user-${randomBytes(6).toString("hex")}`): {
    code: string;
    channelUserId: string;
  } {
    const code = randomBytes(16).toString("hex");
    this.#codes.set(code, { channelUserId, expiresAt: this.#clock.now() + CODE_TTL_MS, used: false });
    return { code, channelUserId };
  }
}
