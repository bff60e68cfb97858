import { Alert, Button, Card, Space, Table, Tag, Typography } from "antd";
import { Link, useSearchParams } from "react-router";
import { queryOf } from "../api.ts";
import { timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { type Page, Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Recipient {
  id: string;
  name: string;
  active: boolean;
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
  balanceFen: number;
}
interface Tip {
  orderId: string;
  userId: string;
  amountFen: number;
  message: string | null;
  status: string;
  createdAt: string;
}
interface Payout {
  id: string;
  amountFen: number;
  reference: string | null;
  createdAt: string;
}

/**
 * Tips (issue 12): the recipients with their rules and what the merchant owes each (the
 * ledger's payable), and one recipient's tips and payouts (?recipient= in the URL). A payer's
 * message is shown as text by React, never as HTML. Finance and admin, as wallets.
 */
export function TipsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const recipientId = params.get("recipient");
  const cursor = params.get("cursor");
  const { data, error, loading } = useApi<Page<Recipient>>(
    `/tip-recipients${queryOf({ cursor, limit: 20 })}`,
  );
  const chosen = data?.data.find((recipient) => recipient.id === recipientId);
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card title={t("tips.title")}>
        {error ? <Alert type="error" showIcon message={error.message} /> : null}
        <Table<Recipient>
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={data?.data ?? []}
          locale={{ emptyText: t("tips.noRecipients") }}
          data-testid="recipients-table"
          columns={[
            {
              title: t("tips.recipient"),
              dataIndex: "name",
              render: (name: string, recipient) => (
                <Button
                  type="link"
                  onClick={() => setParams({ ...(cursor ? { cursor } : {}), recipient: recipient.id })}
                  data-testid="recipient-link"
                >
                  {name}
                </Button>
              ),
            },
            {
              title: t("tips.bounds"),
              key: "bounds",
              render: (_: unknown, r) => `${yuanOf(r.minFen)} – ${yuanOf(r.maxFen)}`,
            },
            {
              title: t("tips.presets"),
              dataIndex: "presetAmountsFen",
              render: (fen: number[]) => fen.map(yuanOf).join(" · "),
            },
            { title: t("tips.dailyCap"), dataIndex: "dailyCapFen", align: "right", render: yuanOf },
            {
              title: t("tips.active"),
              dataIndex: "active",
              render: (active: boolean) =>
                active ? <Tag color="green">{t("tips.on")}</Tag> : <Tag>{t("tips.off")}</Tag>,
            },
            { title: t("tips.owed"), dataIndex: "balanceFen", align: "right", render: yuanOf },
          ]}
        />
        <Pager
          cursor={cursor}
          next={data?.nextCursor}
          onPage={(next) => setParams(next ? { cursor: next } : {})}
        />
      </Card>
      {recipientId ? <RecipientDetail recipientId={recipientId} name={chosen?.name ?? recipientId} /> : null}
    </Space>
  );
}

function RecipientDetail({ recipientId, name }: { recipientId: string; name: string }) {
  const { t } = useI18n();
  const base = `/tip-recipients/${encodeURIComponent(recipientId)}`;
  const tips = useApi<Page<Tip>>(`${base}/tips${queryOf({ limit: 100 })}`);
  const payouts = useApi<Page<Payout>>(`${base}/payouts${queryOf({ limit: 100 })}`);
  return (
    <Card title={t("tips.of", { name })}>
      {tips.error ? <Alert type="error" showIcon message={tips.error.message} /> : null}
      <Typography.Title level={5}>{t("tips.tips")}</Typography.Title>
      <Table<Tip>
        rowKey="orderId"
        loading={tips.loading}
        pagination={false}
        dataSource={tips.data?.data ?? []}
        locale={{ emptyText: t("tips.noTips") }}
        data-testid="recipient-tips"
        columns={[
          {
            title: t("refunds.order"),
            dataIndex: "orderId",
            render: (id: string) => <Link to={`/orders/${encodeURIComponent(id)}`}>{id}</Link>,
          },
          { title: t("wallets.userId"), dataIndex: "userId" },
          { title: t("orders.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          {
            title: t("tips.message"),
            dataIndex: "message",
            render: (message: string | null) => <span data-testid="tip-message">{message ?? "—"}</span>,
          },
          {
            title: t("bookings.status"),
            dataIndex: "status",
            render: (status: string) => <Tag>{status}</Tag>,
          },
          { title: t("bookings.createdAt"), dataIndex: "createdAt", render: timeOf },
        ]}
      />
      <Typography.Title level={5}>{t("tips.payouts")}</Typography.Title>
      <Table<Payout>
        rowKey="id"
        loading={payouts.loading}
        pagination={false}
        dataSource={payouts.data?.data ?? []}
        locale={{ emptyText: t("tips.noPayouts") }}
        data-testid="recipient-payouts"
        columns={[
          { title: t("bookings.createdAt"), dataIndex: "createdAt", render: timeOf },
          { title: t("orders.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          { title: t("tips.reference"), dataIndex: "reference", render: (ref: string | null) => ref ?? "—" },
        ]}
      />
    </Card>
  );
}
