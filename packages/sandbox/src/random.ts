import { createHash } from "node:crypto";

/**
 * Seeded randomness, so that a failing run can be replayed from its seed (issue 3: fault
 * injection "seeded so that a failing run can be replayed").
 *
 * Each purpose draws from its own named stream (ids, faults, probes, ...): adding a draw
 * to one purpose never shifts the decisions of another. A stream is sfc32, small and fast;
 * its 128-bit state is persisted with the rest of the simulator's state, so ids keep being
 * unique after a restart. Secrets (keys, APIv3 key, app secret, session_key) never come
 * from here: they come from node:crypto, because a seed is not a secret.
 */

export type StreamState = [number, number, number, number];

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64URL = `${ALPHANUMERIC}-_`;

export class RandomStream {
  #state: StreamState;

  constructor(state: StreamState) {
    this.#state = [...state];
  }

  /** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 32 bits at a time. */
  nextUint32(): number {
    let [a, b, c, d] = this.#state;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.#state = [a, b, c, d];
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.float() * maxExclusive);
  }

  /** True with probability p; draws nothing when p is 0 or 1, so certain rules never shift the stream. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  digits(length: number): string {
    return this.#pick("0123456789", length);
  }

  /** Lower-case hex. */
  hex(length: number): string {
    return this.#pick("0123456789abcdef", length);
  }

  alphanumeric(length: number): string {
    return this.#pick(ALPHANUMERIC, length);
  }

  base64url(length: number): string {
    return this.#pick(BASE64URL, length);
  }

  state(): StreamState {
    return [...this.#state];
  }

  #pick(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/** All the streams of one simulator, derived from one seed. */
export class RandomSource {
  readonly seed: string;
  readonly #streams = new Map<string, RandomStream>();

  constructor(seed: string, saved: Readonly<Record<string, StreamState>> = {}) {
    this.seed = seed;
    for (const [name, state] of Object.entries(saved)) this.#streams.set(name, new RandomStream(state));
  }

  stream(name: string): RandomStream {
    let stream = this.#streams.get(name);
    if (!stream) {
      stream = new RandomStream(initialState(this.seed, name));
      this.#streams.set(name, stream);
    }
    return stream;
  }

  snapshot(): Record<string, StreamState> {
    return Object.fromEntries([...this.#streams].map(([name, stream]) => [name, stream.state()]));
  }
}

/** sha256(seed/stream) gives well-mixed starting words even for seeds like "1" and "2". */
function initialState(seed: string, name: string): StreamState {
  const digest = createHash("sha256").update(`${seed}/${name}`).digest();
  const stream = new RandomStream([
    digest.readUInt32LE(0),
    digest.readUInt32LE(4),
    digest.readUInt32LE(8),
    digest.readUInt32LE(12),
  ]);
  for (let i = 0; i < 12; i++) stream.nextUint32(); // the usual warm-up for sfc32
  return stream.state();
}
