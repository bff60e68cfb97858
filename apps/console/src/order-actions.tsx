import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Typography,
} from "antd";
import { useRef, useState } from "react";
import { ApiError, api, may, newIdempotencyKey, type Operator } from "./api.ts";
import { useChannelLabel } from "./channel-tag.tsx";
import { fenOf, timeOf, yuanOf } from "./format.ts";
import { useI18n } from "./i18n.tsx";
import type { OrderDetail } from "./orders-api.ts";
import { RefundStatusTag } from "./refund-status-tag.tsx";
import { type ConsoleRefundAnswer, type RefundView, refundableOf } from "./refunds-api.ts";
import { useApi } from "./use-api.ts";

/**
 * The actions an operator's role allows on one order (the server checks again): refund a
 * paid order (the dialog takes ¥ with two decimals, sends fen), close an unpaid one, ask
 * the channel again; and the order's refunds, with their state.
 */
export function OrderActions({
  order,
  operator,
  onChanged,
}: {
  order: OrderDetail;
  operator: Operator;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  // Closes and re-queries go to the channel of the order's live payment.
  const channel = useChannelLabel()(order.channel ?? "wechatpay");
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<{ type: "success" | "info" | "error"; text: string } | undefined>();
  const [refunding, setRefunding] = useState(false);
  const refunds = useApi<{ data: RefundView[] }>(
    `/refunds?orderId=${encodeURIComponent(order.id)}&limit=100&app=${encodeURIComponent(order.appId)}`,
    version,
  );
  const refundable = refundableOf(order.amountFen, refunds.data?.data ?? []);
  const changed = (text: string, type: "success" | "info" = "success") => {
    setNotice({ type, text });
    setVersion((v) => v + 1);
    onChanged();
  };
  const failed = (caught: unknown) =>
    setNotice({ type: "error", text: caught instanceof ApiError ? caught.message : String(caught) });
  async function close() {
    try {
      const answer = await api<{ status: string }>("POST", `/orders/${encodeURIComponent(order.id)}/close`);
      changed(t("actions.closed", { status: t(`status.${answer.status}` as never) }));
    } catch (caught) {
      failed(caught);
    }
  }
  async function sync() {
    try {
      const answer = await api<{ status: string; channelState: string | null }>(
        "POST",
        `/orders/${encodeURIComponent(order.id)}/sync`,
      );
      changed(
        t("actions.synced", {
          channel,
          state: answer.channelState ?? "—",
          status: t(`status.${answer.status}` as never),
        }),
      );
    } catch (caught) {
      failed(caught);
    }
  }
  const unpaid = order.status === "PENDING" || order.status === "CLOSING";
  return (
    <Card title={t("refunds.ofOrder")} size="small" data-testid="order-actions">
      <Space direction="vertical" className="full-width">
        <Space wrap>
          {may(operator, "refund") ? (
            <Button
              type="primary"
              disabled={order.status !== "PAID" || refundable <= 0}
              onClick={() => setRefunding(true)}
              data-testid="refund-open"
            >
              {t("actions.refund")}
            </Button>
          ) : null}
          {may(operator, "actOnOrders") && unpaid ? (
            <Popconfirm title={t("actions.closeConfirm", { channel })} onConfirm={() => void close()}>
              <Button danger data-testid="order-close">
                {t("actions.close")}
              </Button>
            </Popconfirm>
          ) : null}
          {may(operator, "actOnOrders") ? (
            <Button onClick={() => void sync()} data-testid="order-sync">
              {t("actions.sync", { channel })}
            </Button>
          ) : null}
          <Typography.Text type="secondary">
            {t("refund.refundable")}: <span data-testid="refundable">{yuanOf(refundable)}</span>
          </Typography.Text>
        </Space>
        {notice ? (
          <Alert type={notice.type} showIcon message={notice.text} data-testid="action-notice" />
        ) : null}
        <Table<RefundView>
          rowKey="id"
          size="small"
          pagination={false}
          loading={refunds.loading}
          dataSource={refunds.data?.data ?? []}
          locale={{ emptyText: t("refunds.empty") }}
          data-testid="order-refunds"
          columns={[
            { title: t("refunds.id"), dataIndex: "id" },
            {
              title: t("refunds.status"),
              dataIndex: "status",
              render: (status: string) => <RefundStatusTag status={status} kind="refund" />,
            },
            { title: t("refunds.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
            {
              title: t("refunds.reason"),
              dataIndex: "reason",
              render: (reason: string | null) => reason ?? "—",
            },
            { title: t("refunds.createdAt"), dataIndex: "createdAt", render: timeOf },
            { title: t("refunds.succeededAt"), dataIndex: "succeededAt", render: timeOf },
          ]}
        />
      </Space>
      {refunding ? (
        <RefundDialog
          order={order}
          refundableFen={refundable}
          onClose={() => setRefunding(false)}
          onDone={(answer) => {
            setRefunding(false);
            if (answer.outcome === "refund")
              changed(
                t("refund.made", {
                  amount: yuanOf(answer.refund.amountFen),
                  status: t(`refundStatus.${answer.refund.status}` as never),
                }),
              );
            else changed(t("refund.waits", { amount: yuanOf(answer.approval.amountFen) }), "info");
          }}
        />
      ) : null}
    </Card>
  );
}

interface RefundForm {
  amount: string;
  reason?: string;
  returnStock?: boolean;
}

/** One dialog, one Idempotency-Key: however often Refund is clicked, the server refunds once. */
function RefundDialog({
  order,
  refundableFen,
  onClose,
  onDone,
}: {
  order: OrderDetail;
  refundableFen: number;
  onClose: () => void;
  onDone: (answer: ConsoleRefundAnswer) => void;
}) {
  const { t } = useI18n();
  const [key] = useState(newIdempotencyKey);
  const [sending, setSending] = useState(false);
  // Set at once, not at the next render: the second click of a double click sends nothing.
  const inFlight = useRef(false);
  const [error, setError] = useState<string | undefined>();
  const [form] = Form.useForm<RefundForm>();
  async function submit(values: RefundForm) {
    if (inFlight.current) return;
    inFlight.current = true;
    const amountFen = fenOf(values.amount) as number;
    setSending(true);
    setError(undefined);
    try {
      const reason = values.reason?.trim();
      const answer = await api<ConsoleRefundAnswer>(
        "POST",
        `/orders/${encodeURIComponent(order.id)}/refunds`,
        { amountFen, ...(reason ? { reason } : {}), returnStock: values.returnStock ?? false },
        { "idempotency-key": key },
      );
      onDone(answer);
    } catch (caught) {
      // A retry after an error sends the same key: if the first did reach Kassa, this is it again.
      setError(caught instanceof ApiError ? `${caught.message} (${caught.code})` : String(caught));
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  }
  return (
    <Modal
      open
      title={t("refund.dialogTitle", { id: order.id })}
      onCancel={onClose}
      okText={t("refund.submit")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: sending, "data-testid": "refund-submit" } as never}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        {error ? <Alert type="error" showIcon message={error} data-testid="refund-error" /> : null}
        <Form.Item
          name="amount"
          label={t("refund.amount")}
          extra={t("refund.amountHint", { max: yuanOf(refundableFen) })}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                const fen = fenOf(value ?? "");
                if (fen === undefined || fen < 1 || fen > refundableFen)
                  throw new Error(t("refund.amountInvalid"));
              },
            },
          ]}
        >
          <Input prefix="¥" inputMode="decimal" autoFocus data-testid="refund-amount" />
        </Form.Item>
        <Form.Item name="reason" label={t("refund.reason")} extra={t("refund.reasonHint")}>
          <Input maxLength={80} data-testid="refund-reason" />
        </Form.Item>
        <Form.Item name="returnStock" valuePropName="checked">
          <Checkbox>{t("refund.returnStock")}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
