import { Tag } from "antd";
import { useI18n } from "./i18n.tsx";
import type { MessageKey } from "./messages.ts";

/** The values of a payment's `channel` (the admin API's `channel` filter takes the same). */
export const CHANNELS = ["wechatpay", "alipay", "wallet"] as const;
/** The channels with a daily bill to reconcile with (the wallet is Kassa's own ledger). */
export const BILL_CHANNELS = ["wechatpay", "alipay"] as const;

/** Each channel's own colour, as payers know it: WeChat's green, Alipay's blue. */
const COLORS: Record<string, string> = {
  wechatpay: "green",
  alipay: "blue",
  wallet: "gold",
};

/** The channel's name in the operator's language, for a filter's options or a title. */
export function useChannelLabel(): (channel: string) => string {
  const { t } = useI18n();
  return (channel) => (channel in COLORS ? t(`channel.${channel}` as MessageKey) : channel);
}

/**
 * What pays an order or a payment, or what a refund or a bill goes through: 微信支付 /
 * WeChat Pay, 支付宝 / Alipay, 钱包 / Wallet. A channel the console does not know yet shows
 * as the server names it; none (an order with no payment yet) as "—".
 */
export function ChannelTag({ channel }: { channel: string | null | undefined }) {
  const label = useChannelLabel();
  if (!channel) return <>—</>;
  return (
    <Tag color={COLORS[channel] ?? "default"} data-testid="channel" data-channel={channel}>
      {label(channel)}
    </Tag>
  );
}
