import { Alert, Button, Card, Form, Input, Space, Statistic, Table } from "antd";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError, api, newIdempotencyKey, queryOf } from "../api.ts";
import { fenOf, timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Balance {
  userId: string;
  balanceFen: number;
  createdAt: string;
}
interface HistoryItem {
  cause: string;
  orderId: string | null;
  description: string;
  amountFen: number;
  postedAt: string;
}

/** The payers' wallets, paged on the server; ?userId= in the URL finds one. Finance and admin. */
export function WalletsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const userId = params.get("userId") ?? undefined;
  const cursor = params.get("cursor");
  const { data, error, loading } = useApi<{ data: Balance[]; nextCursor: string | null }>(
    `/wallets${queryOf({ userId, cursor, limit: 20 })}`,
  );
  return (
    <Card title={t("wallets.title")}>
      <Form
        layout="inline"
        initialValues={{ userId }}
        onFinish={(values: { userId?: string }) =>
          setParams(values.userId?.trim() ? { userId: values.userId.trim() } : {})
        }
      >
        <Form.Item name="userId" label={t("wallets.userId")}>
          <Input allowClear placeholder="usr_…" data-testid="wallets-user" />
        </Form.Item>
        <Button htmlType="submit">{t("wallets.search")}</Button>
      </Form>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<Balance>
        rowKey="userId"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("wallets.empty") }}
        data-testid="wallets-table"
        columns={[
          {
            title: t("wallets.userId"),
            dataIndex: "userId",
            render: (id: string) => (
              <Link to={`/wallets/${encodeURIComponent(id)}`} data-testid="wallet-link">
                {id}
              </Link>
            ),
          },
          { title: t("wallets.balance"), dataIndex: "balanceFen", align: "right", render: yuanOf },
          { title: t("wallets.createdAt"), dataIndex: "createdAt", render: timeOf },
        ]}
      />
      <Pager
        cursor={cursor}
        next={data?.nextCursor}
        onPage={(next) => setParams({ ...(userId ? { userId } : {}), ...(next ? { cursor: next } : {}) })}
      />
    </Card>
  );
}

/** One wallet: its balance, its history (newest first, paged), and an adjustment with a reason. */
export function WalletPage() {
  const { t } = useI18n();
  const { userId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const cursor = params.get("cursor");
  const [version, setVersion] = useState(0);
  const { data, error } = useApi<{ balanceFen: number; history: HistoryItem[]; nextCursor: string | null }>(
    `/wallets/${encodeURIComponent(userId)}${queryOf({ cursor, limit: 20 })}`,
    version,
  );
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card
        title={t("wallets.history", { user: userId })}
        extra={<Link to="/wallets">{t("wallets.back")}</Link>}
      >
        {error ? <Alert type="error" showIcon message={error.message} /> : null}
        <Statistic
          title={t("wallets.balance")}
          value={data ? yuanOf(data.balanceFen) : "—"}
          data-testid="wallet-balance"
        />
        <Table<HistoryItem>
          rowKey={(item) => `${item.postedAt}-${item.cause}-${item.amountFen}`}
          pagination={false}
          dataSource={data?.history ?? []}
          data-testid="wallet-history"
          columns={[
            { title: t("wallets.postedAt"), dataIndex: "postedAt", render: timeOf },
            { title: t("wallets.cause"), dataIndex: "cause" },
            { title: t("orders.description"), dataIndex: "description" },
            {
              title: t("refunds.order"),
              dataIndex: "orderId",
              render: (id: string | null) =>
                id ? <Link to={`/orders/${encodeURIComponent(id)}`}>{id}</Link> : "—",
            },
            { title: t("orders.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          ]}
        />
        <Pager
          cursor={cursor}
          next={data?.nextCursor}
          onPage={(next) => setParams(next ? { cursor: next } : {})}
        />
      </Card>
      <AdjustForm userId={userId} onDone={() => setVersion((v) => v + 1)} />
    </Space>
  );
}

/** One key per form until it succeeds: a double click adjusts once. */
function AdjustForm({ userId, onDone }: { userId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ amount: string; reason: string }>();
  const [key, setKey] = useState(newIdempotencyKey);
  const [notice, setNotice] = useState<{ type: "success" | "error"; text: string } | undefined>();
  async function adjust(values: { amount: string; reason: string }) {
    const negative = values.amount.trim().startsWith("-");
    const fen = fenOf(values.amount.trim().replace(/^-/, "")) as number;
    const amountFen = negative ? -fen : fen;
    try {
      await api(
        "POST",
        "/wallet-adjustments",
        { userId, amountFen, reason: values.reason.trim() },
        { "idempotency-key": key },
      );
      setNotice({ type: "success", text: t("wallets.adjusted", { amount: yuanOf(amountFen) }) });
      setKey(newIdempotencyKey());
      form.resetFields();
      onDone();
    } catch (caught) {
      setNotice({ type: "error", text: caught instanceof ApiError ? caught.message : String(caught) });
    }
  }
  return (
    <Card title={t("wallets.adjust")} size="small">
      {notice ? (
        <Alert type={notice.type} showIcon message={notice.text} data-testid="adjust-notice" />
      ) : null}
      <Form form={form} layout="vertical" onFinish={(values) => void adjust(values)}>
        <Form.Item
          name="amount"
          label={t("wallets.adjustAmount")}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                const fen = fenOf((value ?? "").trim().replace(/^-/, ""));
                if (!fen) throw new Error(t("wallets.amountInvalid"));
              },
            },
          ]}
        >
          <Input prefix="¥" data-testid="adjust-amount" />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t("wallets.adjustReason")}
          rules={[{ required: true, whitespace: true, message: t("login.required") }]}
        >
          <Input maxLength={500} data-testid="adjust-reason" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="adjust-save">
          {t("wallets.adjustSave")}
        </Button>
      </Form>
    </Card>
  );
}
