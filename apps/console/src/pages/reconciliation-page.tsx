import { Alert, Button, Card, Form, Input, Segmented, Space, Table, Tag } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError, api, may, type Operator, queryOf } from "../api.ts";
import { BILL_CHANNELS, ChannelTag, useChannelLabel } from "../channel-tag.tsx";
import { timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { type Page, Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Run {
  id: string;
  day: string;
  status: string;
  passes: number;
  bill: { payments: number; paymentsFen: number; feesFen: number; unreadableRows: number };
  kassa: { payments: number; paymentsFen: number };
  differences: { open: number; resolved: number };
  completedAt: string | null;
  lastError: string | null;
}
interface Difference {
  id: string;
  class: string;
  status: "open" | "resolved";
  outTradeNo: string | null;
  outRefundNo: string | null;
  billAmountFen: number | null;
  kassaAmountFen: number | null;
  action: string;
  createdAt: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The admin API's default, as for a day's report and a re-run: WeChat Pay. */
const DEFAULT_CHANNEL = "wechatpay";
const money = (fen: number | null) => (fen === null ? "—" : yuanOf(fen));

/**
 * Reconciliation (issue 12): one channel's daily reports against its bills (WeChat Pay's by
 * default, or Alipay's), newest day first; a day's differences with what Kassa did or what
 * to do; run a day again (finance, admin). The channel, the day, the differences' state and
 * the page live in the URL (?channel=alipay&day=&status=&cursor=).
 */
export function ReconciliationPage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const channelLabel = useChannelLabel();
  const [params, setParams] = useSearchParams();
  const channel = params.get("channel") ?? DEFAULT_CHANNEL;
  const day = params.get("day");
  const cursor = params.get("cursor");
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApi<Page<Run>>(
    `/reconciliation/runs${queryOf({ channel, cursor, limit: 20 })}`,
    version,
  );
  /** The other filters, under the channel chosen (left out of the URL when it is the default). */
  const show = (next: Record<string, string>) =>
    setParams(channel === DEFAULT_CHANNEL ? next : { channel, ...next });
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card
        title={t("recon.title")}
        extra={
          <Space>
            <span>{t("recon.channel")}</span>
            <Segmented
              value={channel}
              data-testid="recon-channel"
              options={BILL_CHANNELS.map((value) => ({ value, label: channelLabel(value) }))}
              // Another channel has other days: its list starts again from the newest.
              onChange={(value) => setParams(value === DEFAULT_CHANNEL ? {} : { channel: String(value) })}
            />
          </Space>
        }
      >
        {error ? <Alert type="error" showIcon message={error.message} /> : null}
        <Table<Run>
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={data?.data ?? []}
          locale={{ emptyText: t("recon.empty") }}
          rowClassName={(run) => (run.day === day ? "ant-table-row-selected" : "")}
          data-testid="recon-runs"
          columns={[
            {
              title: t("recon.day"),
              dataIndex: "day",
              render: (runDay: string) => (
                <Button type="link" onClick={() => show({ day: runDay })} data-testid="recon-day">
                  {runDay}
                </Button>
              ),
            },
            {
              title: t("recon.status"),
              dataIndex: "status",
              render: (status: string) => <Tag>{status}</Tag>,
            },
            {
              title: t("recon.bill"),
              key: "bill",
              align: "right",
              render: (_: unknown, run) => `${run.bill.payments} · ${yuanOf(run.bill.paymentsFen)}`,
            },
            {
              title: t("recon.kassa"),
              key: "kassa",
              align: "right",
              render: (_: unknown, run) => `${run.kassa.payments} · ${yuanOf(run.kassa.paymentsFen)}`,
            },
            {
              title: t("recon.fees"),
              key: "fees",
              align: "right",
              render: (_: unknown, run) => yuanOf(run.bill.feesFen),
            },
            {
              title: t("recon.differences"),
              key: "differences",
              render: (_: unknown, run) =>
                run.differences.open > 0 ? (
                  <Tag color="red">{t("recon.open", { count: run.differences.open })}</Tag>
                ) : (
                  <Tag color="green">{t("recon.clean")}</Tag>
                ),
            },
            { title: t("recon.completedAt"), dataIndex: "completedAt", render: timeOf },
          ]}
        />
        <Pager
          cursor={cursor}
          next={data?.nextCursor}
          onPage={(next) => show(next ? { cursor: next } : {})}
        />
        {may(operator, "reconcile") ? (
          <RerunForm channel={channel} onDone={() => setVersion((v) => v + 1)} />
        ) : null}
      </Card>
      {day ? (
        <DayReport
          channel={channel}
          day={day}
          status={params.get("status")}
          onStatus={(status) => show(status ? { day, status } : { day })}
        />
      ) : null}
    </Space>
  );
}

function DayReport(props: {
  channel: string;
  day: string;
  status: string | null;
  onStatus: (status: string | null) => void;
}) {
  const { t } = useI18n();
  const query = queryOf({ channel: props.channel, status: props.status, limit: 100 });
  const { data, error, loading } = useApi<Run & { differencePage: Page<Difference> }>(
    `/reconciliation/runs/${encodeURIComponent(props.day)}${query}`,
  );
  return (
    <Card
      title={
        <Space data-testid="recon-report-title">
          {t("recon.report", { day: props.day })}
          <ChannelTag channel={props.channel} />
        </Space>
      }
      extra={
        <Segmented
          value={props.status ?? "all"}
          options={[
            { value: "all", label: t("common.all") },
            { value: "open", label: t("recon.openOnly") },
            { value: "resolved", label: t("recon.resolvedOnly") },
          ]}
          onChange={(value) => props.onStatus(value === "all" ? null : String(value))}
        />
      }
    >
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      {data?.lastError ? <Alert type="warning" showIcon message={data.lastError} /> : null}
      <Table<Difference>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.differencePage.data ?? []}
        locale={{ emptyText: t("recon.noDifferences") }}
        data-testid="recon-differences"
        columns={[
          { title: t("recon.class"), dataIndex: "class", render: (name: string) => <Tag>{name}</Tag> },
          {
            title: t("recon.status"),
            dataIndex: "status",
            render: (status: string) => <Tag color={status === "open" ? "red" : "green"}>{status}</Tag>,
          },
          {
            title: "out_trade_no",
            dataIndex: "outTradeNo",
            render: (id: string | null) =>
              id ? <Link to={`/orders/${encodeURIComponent(id)}`}>{id}</Link> : "—",
          },
          { title: t("recon.billAmount"), dataIndex: "billAmountFen", align: "right", render: money },
          { title: t("recon.kassaAmount"), dataIndex: "kassaAmountFen", align: "right", render: money },
          { title: t("recon.action"), dataIndex: "action" },
        ]}
      />
    </Card>
  );
}

/** Any day the channel's bills are ready for (the server says which when it is not). */
function RerunForm({ channel, onDone }: { channel: string; onDone: () => void }) {
  const { t } = useI18n();
  const [notice, setNotice] = useState<{ type: "success" | "error"; text: string } | undefined>();
  async function rerun(values: { day: string }) {
    try {
      const day = encodeURIComponent(values.day.trim());
      await api("POST", `/reconciliation/runs/${day}/rerun${queryOf({ channel })}`);
      setNotice({ type: "success", text: t("recon.scheduled", { day: values.day.trim() }) });
      onDone();
    } catch (error) {
      if (!(error instanceof ApiError)) return setNotice({ type: "error", text: String(error) });
      const latest = error.details.latestReadyDay;
      setNotice({
        type: "error",
        text: typeof latest === "string" ? t("recon.notReady", { day: latest }) : error.message,
      });
    }
  }
  return (
    <Space direction="vertical" className="full-width recon-rerun">
      <Form layout="inline" onFinish={rerun}>
        <Form.Item
          name="day"
          label={t("recon.rerunDay")}
          rules={[{ required: true, pattern: DAY, message: t("recon.dayInvalid") }]}
        >
          <Input placeholder="2026-12-01" data-testid="recon-rerun-day" />
        </Form.Item>
        <Button htmlType="submit" data-testid="recon-rerun">
          {t("recon.rerun")}
        </Button>
      </Form>
      {notice ? <Alert type={notice.type} showIcon message={notice.text} data-testid="recon-notice" /> : null}
    </Space>
  );
}
