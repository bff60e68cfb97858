/**
 * The `bank_type` a payer pays with (§5.2: e.g. OTHERS, CMB_CREDIT) and how a refund to it
 * shows in `user_received_account` (§5.4: "招商银行信用卡0403", "支付用户零钱").
 */

/** Offered on the cashier page; any other `[A-Z0-9_]` code is accepted through the JSON API. */
export const BANK_TYPES: readonly { code: string; label: string }[] = [
  { code: "OTHERS", label: "零钱 (WeChat balance)" },
  { code: "CMB_CREDIT", label: "招商银行信用卡" },
  { code: "CMB_DEBIT", label: "招商银行借记卡" },
  { code: "ICBC_DEBIT", label: "工商银行借记卡" },
  { code: "ICBC_CREDIT", label: "工商银行信用卡" },
  { code: "CCB_DEBIT", label: "建设银行借记卡" },
  { code: "ABC_DEBIT", label: "农业银行借记卡" },
  { code: "BOC_CREDIT", label: "中国银行信用卡" },
];

export const BANK_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{1,31}$/;

const BANKS: Readonly<Record<string, string>> = {
  CMB: "招商银行",
  ICBC: "工商银行",
  CCB: "建设银行",
  ABC: "农业银行",
  BOC: "中国银行",
};

/** §5.4 `user_received_account` for a refund to this bank_type; `cardTail` is 4 digits. */
export function receivedAccount(bankType: string, cardTail: string): string {
  const [bank, kind] = bankType.split("_");
  const bankName = bank ? BANKS[bank] : undefined;
  if (!bankName) return "支付用户零钱";
  return `${bankName}${kind === "CREDIT" ? "信用卡" : "借记卡"}${cardTail}`;
}
