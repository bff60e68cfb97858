import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoginChannel } from "./login-channel.ts";

/** One LoginChannel adapter, and the mini program's side: codes minted for a user. */
export interface LoginChannelSubject {
  login: LoginChannel;
  /** A fresh code for this user (a new user when none is named), as wx.login would give. */
  mintCode(channelUserId?: string): Promise<{ code: string; channelUserId: string }>;
  close(): Promise<void>;
}

/** The LoginChannel port's promises (design.md convention 11), registered for one subject. */
export function loginChannelContract(subjectName: string, start: () => Promise<LoginChannelSubject>): void {
  describe(`LoginChannel contract: ${subjectName}`, () => {
    let subject: LoginChannelSubject | undefined;
    beforeAll(async () => {
      subject = await start();
    });
    afterAll(async () => subject?.close());
    const current = (): LoginChannelSubject => {
      if (!subject) throw new Error("the subject did not start");
      return subject;
    };

    it("a fresh code identifies its user, and two codes of one user name the same user", async () => {
      const { login, mintCode } = current();
      const first = await mintCode();
      expect(await login.exchangeCode(first.code)).toEqual({
        outcome: "identified",
        channelUserId: first.channelUserId,
      });
      const second = await mintCode(first.channelUserId);
      expect(await login.exchangeCode(second.code)).toEqual({
        outcome: "identified",
        channelUserId: first.channelUserId,
      });
    });

    it("a code works once: the second exchange is refused", async () => {
      const { login, mintCode } = current();
      const { code } = await mintCode();
      expect(await login.exchangeCode(code)).toMatchObject({ outcome: "identified" });
      expect(await login.exchangeCode(code)).toMatchObject({ outcome: "code_refused" });
    });

    it("a code the channel never issued is refused", async () => {
      const { login } = current();
      const made = randomBytes(16).toString("hex");
      expect(await login.exchangeCode(made)).toMatchObject({ outcome: "code_refused" });
    });
  });
}
