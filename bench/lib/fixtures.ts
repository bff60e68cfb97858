import {
  notificationBody,
  PREPAY_ID,
  paidTransaction,
  RESPONSE_BODY,
  type SignedMessage,
  signAsWechatPayByHand,
} from "./messages.ts";
import type { BenchWorld } from "./world.ts";

/**
 * Signed inputs whose `Wechatpay-Timestamp` must stay inside the ±300 s window that Kassa
 * and wechatpay-axios-plugin check (§3.3): `refresh()` re-signs them before every round,
 * outside the time boxes, so a long run (large ROUNDS) never drifts out of the window.
 */
export class SignedFixtures {
  /** A 97-byte signed API answer (§3.2). */
  response!: SignedMessage;
  /** A ~1.6 KB signed payment notification (§4.1). */
  notification!: SignedMessage;
  /** Pre-signed `{prepay_id}` answers served by the in-process transports, in turn. */
  prepayAnswers: SignedMessage[] = [];
  readonly #world: BenchWorld;
  readonly #notificationBody: string;
  readonly #poolSize: number;

  constructor(world: BenchWorld, poolSize = 16) {
    this.#world = world;
    this.#poolSize = poolSize;
    this.#notificationBody = notificationBody(world.apiV3Key, paidTransaction(world.appid, world.mchid));
    this.refresh(Date.now());
  }

  refresh(nowMs: number): void {
    const { platform, publicKeyId } = this.#world;
    const signed = (body: string) => signAsWechatPayByHand(platform.privateKey, publicKeyId, body, nowMs);
    this.response = signed(RESPONSE_BODY);
    this.notification = signed(this.#notificationBody);
    this.prepayAnswers = Array.from({ length: this.#poolSize }, (_, index) =>
      signed(JSON.stringify({ prepay_id: `${PREPAY_ID.slice(0, -2)}${String(index).padStart(2, "0")}` })),
    );
  }
}
