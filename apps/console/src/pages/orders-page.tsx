import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Typography } from "antd";
import dayjs from "dayjs";
import { Link, useNavigate, useSearchParams } from "react-router";
import { queryOf } from "../api.ts";
import { CHANNELS, ChannelTag, useChannelLabel } from "../channel-tag.tsx";
import { MERCHANT_TIME_ZONE, timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { dayAfterIso, dayStartIso, type OrderSummary } from "../orders-api.ts";
import { Pager } from "../pager.tsx";
import { StatusTag } from "../status-tag.tsx";
import { useApi } from "../use-api.ts";

const TEXT_FILTERS = ["orderId", "outTradeNo", "transactionId", "userId"] as const;
const STATUSES = ["PENDING", "PAID", "CLOSING", "CLOSED"] as const;

interface SearchForm {
  orderId?: string;
  outTradeNo?: string;
  transactionId?: string;
  userId?: string;
  status?: string;
  channel?: string;
  days?: [dayjs.Dayjs, dayjs.Dayjs] | null;
}

/**
 * Orders, searched and paged on the server. The filters live in the URL
 * (/console/orders?status=PAID&channel=alipay&from=2026-12-01&to=2026-12-02&cursor=...), so a link
 * reproduces the view; days are the merchant's (Asia/Shanghai).
 */
export function OrdersPage() {
  const { t } = useI18n();
  const channelLabel = useChannelLabel();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const from = params.get("from");
  const to = params.get("to");
  const apiQuery = queryOf({
    ...Object.fromEntries(TEXT_FILTERS.map((name) => [name, params.get(name)])),
    status: params.get("status"),
    channel: params.get("channel"),
    createdFrom: from ? dayStartIso(from) : undefined,
    createdTo: to ? dayAfterIso(to) : undefined,
    cursor: params.get("cursor"),
    limit: 20,
  });
  const { data, error, loading } = useApi<{ data: OrderSummary[]; nextCursor: string | null }>(
    `/orders${apiQuery}`,
  );

  function search(values: SearchForm) {
    const next = new URLSearchParams();
    for (const name of TEXT_FILTERS) {
      const value = values[name]?.trim();
      if (value) next.set(name, value);
    }
    if (values.status) next.set("status", values.status);
    if (values.channel) next.set("channel", values.channel);
    if (values.days) {
      next.set("from", values.days[0].format("YYYY-MM-DD"));
      next.set("to", values.days[1].format("YYYY-MM-DD"));
    }
    setParams(next);
  }
  const pageWith = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("cursor", cursor);
    else next.delete("cursor");
    setParams(next);
  };

  const initial: SearchForm = {
    ...Object.fromEntries(TEXT_FILTERS.map((name) => [name, params.get(name) ?? undefined])),
    ...(params.get("status") ? { status: params.get("status") as string } : {}),
    ...(params.get("channel") ? { channel: params.get("channel") as string } : {}),
    days: from && to ? [dayjs(from), dayjs(to)] : null,
  };
  return (
    <Card title={t("orders.title")}>
      <Form<SearchForm>
        layout="inline"
        initialValues={initial}
        onFinish={search}
        key={params.toString()}
        className="orders-search"
      >
        {TEXT_FILTERS.map((name) => (
          <Form.Item key={name} name={name} label={t(`orders.${name}`)}>
            <Input allowClear data-testid={`filter-${name}`} />
          </Form.Item>
        ))}
        <Form.Item name="status" label={t("orders.status")}>
          <Select
            allowClear
            placeholder={t("orders.anyStatus")}
            className="orders-status"
            data-testid="filter-status"
            options={STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
          />
        </Form.Item>
        <Form.Item name="channel" label={t("order.channel")}>
          <Select
            allowClear
            placeholder={t("orders.anyChannel")}
            className="orders-channel"
            data-testid="filter-channel"
            options={CHANNELS.map((channel) => ({ value: channel, label: channelLabel(channel) }))}
          />
        </Form.Item>
        <Form.Item name="days" label={t("orders.created")}>
          <DatePicker.RangePicker data-testid="filter-days" />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" data-testid="search">
              {t("orders.search")}
            </Button>
            <Button onClick={() => setParams(new URLSearchParams())}>{t("orders.reset")}</Button>
          </Space>
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary" className="orders-zone">
        {t("orders.timeZone", { zone: MERCHANT_TIME_ZONE })}
      </Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<OrderSummary>
        rowKey="id"
        loading={loading}
        dataSource={data?.data ?? []}
        pagination={false}
        locale={{ emptyText: t("orders.empty") }}
        onRow={(order) => ({ onDoubleClick: () => navigate(`/orders/${order.id}`) })}
        data-testid="orders-table"
        columns={[
          {
            title: t("orders.orderId"),
            dataIndex: "id",
            render: (id: string) => (
              <Link to={`/orders/${id}`} data-testid="order-link">
                {id}
              </Link>
            ),
          },
          {
            title: t("orders.status"),
            dataIndex: "status",
            render: (status: string) => <StatusTag status={status} />,
          },
          {
            title: t("order.channel"),
            dataIndex: "channel",
            render: (channel: string | undefined) => <ChannelTag channel={channel} />,
          },
          { title: t("orders.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          { title: t("orders.description"), dataIndex: "description", ellipsis: true },
          { title: t("orders.userId"), dataIndex: "userId" },
          { title: t("orders.created"), dataIndex: "createdAt", render: timeOf },
          { title: t("orders.paidAt"), dataIndex: "paidAt", render: timeOf },
        ]}
      />
      <Pager
        cursor={params.get("cursor")}
        next={data?.nextCursor}
        onPage={(next) => pageWith(next ?? null)}
      />
    </Card>
  );
}
