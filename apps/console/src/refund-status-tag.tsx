import { Tag } from "antd";
import { useI18n } from "./i18n.tsx";
import type { MessageKey } from "./messages.ts";

const COLORS: Record<string, string> = {
  PROCESSING: "processing",
  SUCCESS: "green",
  CLOSED: "default",
  ABNORMAL: "red",
  PENDING: "gold",
  APPROVED: "green",
  REJECTED: "default",
};

/** A refund's or an approval's status, in the operator's language. */
export function RefundStatusTag({ status, kind }: { status: string; kind: "refund" | "approval" }) {
  const { t } = useI18n();
  const key = `${kind === "refund" ? "refundStatus" : "approvalStatus"}.${status}` as MessageKey;
  return (
    <Tag color={COLORS[status] ?? "default"} data-testid={`${kind}-status`} data-status={status}>
      {t(key)}
    </Tag>
  );
}
