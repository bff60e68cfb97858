import { Tag } from "antd";
import { useI18n } from "./i18n.tsx";
import type { MessageKey } from "./messages.ts";

const COLORS: Record<string, string> = {
  PAID: "green",
  PENDING: "gold",
  CLOSING: "orange",
  CLOSED: "default",
};

/** An order's or payment's status, in the operator's language. */
export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status.${status}` as MessageKey;
  return (
    <Tag color={COLORS[status] ?? "default"} data-testid="status">
      {status in COLORS ? t(key) : status}
    </Tag>
  );
}
