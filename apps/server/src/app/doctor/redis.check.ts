import { Redis } from "ioredis";
import { fail, ok, type Verdict } from "./check.ts";

/**
 * REDIS_URL, when set, holds the rate limits every instance shares (limits/redis-rate-limiter.ts):
 * it must answer a PING. Said with its host and port only, never its password.
 */
export async function checkRedis(url: string | undefined): Promise<Verdict> {
  if (!url) return ok("not configured: rate limits are counted in each instance's memory");
  let where = "REDIS_URL";
  try {
    const parsed = new URL(url);
    where = `Redis at ${parsed.hostname}:${parsed.port || "6379"}`;
  } catch {
    return fail("REDIS_URL is not a URL: write redis://host:6379 (or rediss:// for TLS)");
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause: NodeJS.ErrnoException | undefined;
  redis.on("error", (error: NodeJS.ErrnoException) => {
    cause ??= error; // the first says why (ECONNREFUSED); reported below, once
  });
  try {
    await redis.connect();
    const answer = await redis.ping();
    return ok(`${where} answers (${answer})`);
  } catch (error) {
    const first = cause ?? (error as NodeJS.ErrnoException);
    const reason = first.code ?? (first instanceof Error ? first.message : String(first));
    return fail(
      `cannot reach ${where} (${reason}): start Redis there, fix REDIS_URL, or unset it (rate limits are then per instance)`,
    );
  } finally {
    redis.disconnect();
  }
}
