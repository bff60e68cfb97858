import { Alert, Card, Descriptions, Space, Table, Timeline, Typography } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { ChannelTag } from "../channel-tag.tsx";
import { timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import type { MessageKey } from "../messages.ts";
import { OrderActions } from "../order-actions.tsx";
import type { OrderDetail } from "../orders-api.ts";
import { useSession } from "../session.tsx";
import { StatusTag } from "../status-tag.tsx";
import { useApi } from "../use-api.ts";

const TIMELINE_COLORS: Record<string, string> = {
  "order.paid": "green",
  "order.closed": "gray",
  "alert.raised": "red",
  "ledger.posted": "blue",
  "refund.succeeded": "purple",
  "refund.abnormal": "red",
};

/** What a timeline entry's detail says, as plain text (never HTML: it may hold what others typed). */
function detailText(detail: Record<string, unknown> | undefined): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

/**
 * One order's whole story (the Stripe payment page is the bar): the order, its lines, every
 * payment attempt, the timeline the admin API returns (created, prepay, notifications with
 * their outcome, queries of the channel, paid or closed, alerts) with the ledger entries
 * merged in by time, and the entries' postings.
 */
export function OrderDetailPage() {
  const { t } = useI18n();
  const { orderId = "" } = useParams();
  const { operator } = useSession();
  const [version, setVersion] = useState(0);
  const { data: order, error } = useApi<OrderDetail>(`/orders/${encodeURIComponent(orderId)}`, version);
  const back = <Link to="/orders">{t("order.back")}</Link>;
  if (error)
    return (
      <Card extra={back}>
        <Alert type="error" showIcon message={t("order.notFound")} description={error.message} />
      </Card>
    );
  if (!order) return <Card loading extra={back} />;

  const timeline = [
    ...order.timeline.map((entry) => ({
      at: entry.at,
      type: entry.type,
      text: [entry.paymentId, detailText(entry.detail)].filter(Boolean).join(" · "),
    })),
    ...order.ledgerEntries.map((entry) => ({
      at: entry.postedAt,
      type: "ledger.posted",
      text: `#${entry.seq} ${entry.causeType} · ${entry.description}`,
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card title={t("order.title", { id: order.id })} extra={back}>
        <Descriptions column={2} size="small" bordered>
          <Descriptions.Item label={t("orders.status")}>
            <StatusTag status={order.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t("orders.amount")}>
            <span data-testid="order-amount">{yuanOf(order.amountFen)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("orders.description")}>
            <span data-testid="order-description">{order.description}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("order.channel")}>
            <ChannelTag channel={order.channel} />
          </Descriptions.Item>
          <Descriptions.Item label={t("orders.userId")}>{order.userId}</Descriptions.Item>
          <Descriptions.Item label={t("orders.created")}>{timeOf(order.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t("order.expiresAt")}>{timeOf(order.expiresAt)}</Descriptions.Item>
          <Descriptions.Item label={t("orders.paidAt")}>{timeOf(order.paidAt)}</Descriptions.Item>
          <Descriptions.Item label={t("orders.transactionId")}>
            {order.transactionId ?? "—"}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {operator ? (
        <OrderActions order={order} operator={operator} onChanged={() => setVersion((v) => v + 1)} />
      ) : null}
      <Card title={t("order.lines")} size="small">
        <Table
          rowKey="productId"
          size="small"
          pagination={false}
          dataSource={order.lines}
          data-testid="order-lines"
          columns={[
            {
              title: t("order.product"),
              dataIndex: "name",
              render: (name: string) => <span data-testid="line-name">{name}</span>,
            },
            { title: t("order.quantity"), dataIndex: "quantity", align: "right" },
            { title: t("order.unitPrice"), dataIndex: "unitPriceFen", align: "right", render: yuanOf },
            {
              title: t("order.lineTotal"),
              key: "total",
              align: "right",
              render: (_: unknown, line) => yuanOf(line.unitPriceFen * line.quantity),
            },
          ]}
        />
      </Card>
      <Card title={t("order.payments")} size="small">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={order.payments}
          scroll={{ x: "max-content" }}
          columns={[
            { title: "id", dataIndex: "id" },
            {
              title: t("order.channel"),
              dataIndex: "channel",
              render: (channel: string) => <ChannelTag channel={channel} />,
            },
            { title: t("orders.outTradeNo"), dataIndex: "outTradeNo" },
            {
              title: t("orders.status"),
              dataIndex: "status",
              render: (status: string) => <StatusTag status={status} />,
            },
            { title: t("orders.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
            { title: t("order.prepaidAt"), dataIndex: "prepaidAt", render: timeOf },
            { title: t("orders.paidAt"), dataIndex: "paidAt", render: timeOf },
            {
              title: t("orders.transactionId"),
              dataIndex: "transactionId",
              render: (id: string | null) => id ?? "—",
            },
            {
              title: t("order.bankType"),
              dataIndex: "bankType",
              render: (bank: string | null) => bank ?? "—",
            },
          ]}
        />
      </Card>
      <Card title={t("order.timeline")} size="small">
        <Timeline
          data-testid="timeline"
          items={timeline.map((entry) => ({
            color: TIMELINE_COLORS[entry.type] ?? "blue",
            children: (
              <div data-testid="timeline-entry" data-type={entry.type}>
                <Typography.Text strong>{t(`timeline.${entry.type}` as MessageKey)}</Typography.Text>{" "}
                <Typography.Text type="secondary">{timeOf(entry.at)}</Typography.Text>
                {entry.text ? <div className="timeline-detail">{entry.text}</div> : null}
              </div>
            ),
          }))}
        />
      </Card>
      <Card title={t("order.ledger")} size="small">
        <Table
          rowKey="seq"
          size="small"
          pagination={false}
          dataSource={order.ledgerEntries}
          data-testid="ledger-entries"
          columns={[
            { title: t("order.ledgerSeq"), dataIndex: "seq" },
            { title: t("order.cause"), dataIndex: "causeType" },
            { title: t("orders.created"), dataIndex: "postedAt", render: timeOf },
            {
              title: t("order.postings"),
              key: "postings",
              render: (_: unknown, entry) =>
                entry.postings.map((line) => (
                  <div key={line.account}>
                    {line.account} {line.side} {yuanOf(Math.abs(line.amountFen))}
                  </div>
                )),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
