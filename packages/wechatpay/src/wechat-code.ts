/**
 * WeChat Pay's error codes drift between spellings: older pages write `SYSTEMERROR`,
 * newer ones `SYSTEM_ERROR` (reference §5.8, "Match both spellings"). Every decision in
 * this package is taken on the normalised (newer, underscored) spelling.
 */
const OLD_TO_NEW_SPELLING: Readonly<Record<string, string>> = {
  SYSTEMERROR: "SYSTEM_ERROR",
  BANKERROR: "BANK_ERROR",
  ORDERNOTEXIST: "ORDER_NOT_EXIST",
  NOAUTH: "NO_AUTH",
  RULELIMIT: "RULE_LIMIT",
  NOTENOUGH: "NOT_ENOUGH",
  ACCOUNTERROR: "ACCOUNT_ERROR",
  USERPAYING: "USER_PAYING",
};

/** The newer spelling of a WeChat Pay error code; unknown codes pass through upper-cased. */
export function normaliseWechatCode(code: string): string {
  const upper = code.trim().toUpperCase();
  return OLD_TO_NEW_SPELLING[upper] ?? upper;
}

/**
 * 500s that are NOT retryable despite their status (§5.8): the same request fails the
 * same way, so retrying only burns the rate limit.
 */
export const NON_RETRYABLE_SERVER_CODES: ReadonlySet<string> = new Set([
  "OPENID_MISMATCH", // the openid was issued under another appid
  "INVALID_TRANSACTIONID", // the transaction_id does not exist
]);
