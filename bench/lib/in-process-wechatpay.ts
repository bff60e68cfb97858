import { checkAuthorization } from "./by-hand.ts";
import type { SignedFixtures } from "./fixtures.ts";
import type { SignedMessage } from "./messages.ts";
import type { BenchWorld } from "./world.ts";

/**
 * WeChat Pay's side of a prepay call, in-process: it answers from the pool of pre-signed
 * `{prepay_id}` answers (the same pool for every implementation, so none pays for the
 * server's signature). While `checkRequests` is on (the correctness checks, never the
 * timed loops) it also verifies each request's Authorization by hand; `tamperAnswers`
 * alters the body after signing, to see who notices.
 */
export class InProcessWechatPay {
  checkRequests = false;
  tamperAnswers = false;
  lastAnswer: SignedMessage | undefined;
  readonly #world: BenchWorld;
  readonly #fixtures: SignedFixtures;
  #next = 0;

  constructor(world: BenchWorld, fixtures: SignedFixtures) {
    this.#world = world;
    this.#fixtures = fixtures;
  }

  answer(
    caseId: string,
    /** `url` may be a function: only the checks need it, so the timed loops skip building it. */
    request: { method: string; url: string | (() => string); body: string; authorization: unknown },
  ): SignedMessage {
    if (this.checkRequests) {
      const url = new URL(
        typeof request.url === "string" ? request.url : request.url(),
        "https://api.mch.weixin.qq.com",
      );
      checkAuthorization(
        caseId,
        request.authorization,
        {
          method: request.method,
          pathAndQuery: `${url.pathname}${url.search}`,
          body: request.body,
          mchid: this.#world.mchid,
          serial: this.#world.merchant.serial,
        },
        this.#world.merchant.publicKey,
      );
    }
    const pool = this.#fixtures.prepayAnswers;
    const answer = pool[this.#next++ % pool.length]!;
    this.lastAnswer = answer;
    if (!this.tamperAnswers) return answer;
    const body = answer.body.replace('"wx', '"wy');
    return { ...answer, body, bodyBytes: Buffer.from(body) };
  }

  /** The prepay_id of the last answer served. */
  lastPrepayId(): string {
    return (JSON.parse(this.lastAnswer?.body ?? "{}") as { prepay_id?: string }).prepay_id ?? "";
  }
}
