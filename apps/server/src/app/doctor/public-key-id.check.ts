import { publicKeyIdProblem } from "../../config-checks.ts";
import { type AppCheckInput, fail, ok, type Verdict } from "./check.ts";

/**
 * §3.4, public-key mode: the id has the PUB_KEY_ID_ form, and WeChat Pay signs its answers
 * under this very id (an id and key copied from another merchant verify nothing).
 */
export function checkPublicKeyId({ credentials, probe }: AppCheckInput): Verdict {
  const publicKey = credentials.publicKey;
  if (!publicKey) return ok("certificate mode: no WeChat Pay public key is configured, none is needed");
  const problem = publicKeyIdProblem(publicKey.id);
  if (problem) return fail(`WECHATPAY_PUBLIC_KEY_ID ${problem}`);
  const signedWith = probe.answer?.headers.get("wechatpay-serial") ?? undefined;
  if (signedWith?.startsWith("PUB_KEY_ID_") && signedWith !== publicKey.id)
    return fail(
      `WeChat Pay signs this merchant's answers with ${signedWith}, not with the configured ${publicKey.id}: set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE to this merchant's (商户平台 → 账户中心 → API安全 → 微信支付公钥)`,
    );
  if (probe.verification && !probe.verification.ok && signedWith === publicKey.id)
    return fail(
      `WeChat Pay signs with ${publicKey.id}, but WECHATPAY_PUBLIC_KEY_FILE does not verify its signature: give the pub_key.pem shown next to this id`,
    );
  return ok(
    signedWith === publicKey.id
      ? `${publicKey.id}: WeChat Pay signs with it, and the configured key verifies`
      : `${publicKey.id} has the PUB_KEY_ID_ form`,
  );
}
