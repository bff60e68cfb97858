import {
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from "node:crypto";

/**
 * The crypto-only ceiling for the work of one paid order on Kassa's side
 * (reference/perf-baselines.md "What this implies"): sign the prepay request, verify its
 * answer, sign paySign, verify the notification, decrypt its resource and parse it. Plain
 * node:crypto with parsed keys, signing through the thread pool as Kassa does, with the same
 * number of orders in flight as the end-to-end run.
 */
export async function cryptoCeiling(inFlight: number, seconds: number): Promise<number> {
  const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const apiV3Key = randomBytes(32);
  const body = JSON.stringify({
    appid: "wxd678efh567hg6787",
    mchid: "1900000109",
    description: "Bench tea x1",
    out_trade_no: "ord_0123456789abcdefghjkmnpqrs",
    time_expire: "2026-11-27T12:00:00+08:00",
    notify_url: "http://127.0.0.1:8700/notify/wechatpay",
    amount: { total: 1, currency: "CNY" },
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
  });
  const requestMessage = Buffer.from(
    `POST\n/v3/pay/transactions/jsapi\n1795747189\n${"A".repeat(32)}\n${body}\n`,
  );
  const answer = Buffer.from(
    `1795747189\n${"B".repeat(32)}\n{"prepay_id":"wx20261127103949e7fa0517eb4d83e95c4e"}\n`,
  );
  const answerSignature = sign("sha256", answer, platform.privateKey);
  const resource = JSON.stringify({
    ...JSON.parse(body),
    trade_state: "SUCCESS",
    transaction_id: "4200000000000000000000000001",
  });
  const nonce = "0123456789ab";
  const cipher = createCipheriv("aes-256-gcm", apiV3Key, Buffer.from(nonce));
  cipher.setAAD(Buffer.from("transaction"));
  const ciphertext = Buffer.concat([cipher.update(resource), cipher.final(), cipher.getAuthTag()]).toString(
    "base64",
  );
  const notification = Buffer.from(
    `1795747189\n${"C".repeat(32)}\n${JSON.stringify({ resource: { ciphertext } })}\n`,
  );
  const notificationSignature = sign("sha256", notification, platform.privateKey);
  const paySignMessage = Buffer.from(`wxd678efh567hg6787\n1795747189\n${"D".repeat(32)}\nprepay_id=wx2026\n`);

  const signAsync = (data: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      sign("sha256", data, merchant.privateKey, (error, signature) =>
        error ? reject(error) : resolve(signature),
      ),
    );
  const oneOrder = async () => {
    await signAsync(requestMessage);
    if (!verify("sha256", answer, platform.publicKey, answerSignature))
      throw new Error("answer did not verify");
    await signAsync(paySignMessage);
    if (!verify("sha256", notification, platform.publicKey, notificationSignature))
      throw new Error("notification did not verify");
    const raw = Buffer.from(ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", apiV3Key, Buffer.from(nonce));
    decipher.setAAD(Buffer.from("transaction"));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString(),
    );
  };
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await oneOrder();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}
