import { Alert, Button, Card, Form, Input, Popover, Segmented, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, api, type Operator, queryOf } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface AlertView {
  id: string;
  kind: string;
  subjectId: string;
  appId: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
  status: "open" | "acknowledged" | "resolved";
  repeatCount: number;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

type Filter = "open" | "acknowledged" | "resolved" | "all";
const STATUS_COLOR = { open: "red", acknowledged: "orange", resolved: "green" } as const;

const MAY_ACKNOWLEDGE: readonly Operator["role"][] = ["support", "finance", "admin"];

/**
 * What needs an operator (docs/risk.md "Alerts"): open alerts first; ?status=acknowledged or
 * resolved shows those, ?open=false all of them. Acknowledge (with an optional note), then
 * resolve with a note saying what was done.
 */
export function AlertsPage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const status = params.get("status");
  const filter: Filter =
    params.get("open") === "false"
      ? "all"
      : status === "acknowledged" || status === "resolved"
        ? status
        : "open";
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApi<{ data: AlertView[]; nextCursor: string | null }>(
    `/alerts${queryOf({ status: filter === "all" ? undefined : filter, cursor: params.get("cursor"), limit: 20 })}`,
    version,
  );
  const mayAct = MAY_ACKNOWLEDGE.includes(operator.role);
  const refresh = () => setVersion((v) => v + 1);
  const pageWith = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("cursor", cursor);
    else next.delete("cursor");
    setParams(next);
  };
  return (
    <Card
      title={t("alerts.title")}
      extra={
        <Segmented<Filter>
          value={filter}
          data-testid="alerts-filter"
          options={[
            { value: "open", label: t("alerts.open") },
            { value: "acknowledged", label: t("alerts.filterAcknowledged") },
            { value: "resolved", label: t("alerts.filterResolved") },
            { value: "all", label: t("alerts.all") },
          ]}
          onChange={(value) =>
            setParams(value === "open" ? {} : value === "all" ? { open: "false" } : { status: value })
          }
        />
      }
    >
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<AlertView>
        rowKey="id"
        loading={loading}
        dataSource={data?.data ?? []}
        pagination={false}
        locale={{ emptyText: t("alerts.empty") }}
        data-testid="alerts-table"
        columns={[
          { title: t("alerts.createdAt"), dataIndex: "createdAt", render: timeOf, width: 180 },
          {
            title: t("alerts.kind"),
            dataIndex: "kind",
            render: (kind: string, alert) => (
              <Space size={4} wrap>
                <Tag color="red">{kind}</Tag>
                {alert.repeatCount > 1 ? (
                  <Typography.Text type="secondary" data-testid="alert-repeats">
                    {t("alerts.repeats", { count: String(alert.repeatCount), at: timeOf(alert.lastSeenAt) })}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          { title: t("alerts.subject"), dataIndex: "subjectId" },
          {
            title: t("alerts.detail"),
            dataIndex: "detail",
            render: (detail: Record<string, unknown>) => (
              <Typography.Text type="secondary">{JSON.stringify(detail)}</Typography.Text>
            ),
          },
          {
            title: t("alerts.state"),
            key: "state",
            render: (_: unknown, alert) => (
              <Space direction="vertical" size={4} data-testid={`alert-state-${alert.status}`}>
                <Tag color={STATUS_COLOR[alert.status]} data-testid="alert-status">
                  {t(`alerts.status.${alert.status}`)}
                </Tag>
                {alert.acknowledgedAt ? (
                  <div data-testid="alert-acknowledged">
                    <div>
                      {t("alerts.acknowledged", {
                        by: alert.acknowledgedBy ?? "",
                        at: timeOf(alert.acknowledgedAt),
                      })}
                    </div>
                    {alert.note ? (
                      <Typography.Text data-testid="alert-note">{alert.note}</Typography.Text>
                    ) : null}
                  </div>
                ) : null}
                {alert.resolvedAt ? (
                  <div data-testid="alert-resolved">
                    <div>
                      {t("alerts.resolved", { by: alert.resolvedBy ?? "", at: timeOf(alert.resolvedAt) })}
                    </div>
                    <Typography.Text data-testid="alert-resolution-note">
                      {alert.resolutionNote}
                    </Typography.Text>
                  </div>
                ) : null}
                {mayAct && alert.status !== "resolved" ? (
                  <Space size={4}>
                    {alert.status === "open" ? (
                      <NoteButton alertId={alert.id} action="acknowledge" onDone={refresh} />
                    ) : null}
                    <NoteButton alertId={alert.id} action="resolve" onDone={refresh} />
                  </Space>
                ) : null}
              </Space>
            ),
          },
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

/**
 * A popover, not a modal: the note is one line, and the table stays in view. Acknowledging
 * takes an optional note; resolving needs one (what was done), as the server does.
 */
function NoteButton({
  alertId,
  action,
  onDone,
}: {
  alertId: string;
  action: "acknowledge" | "resolve";
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function save(values: { note?: string }) {
    try {
      const note = values.note?.trim();
      await api("POST", `/alerts/${encodeURIComponent(alertId)}/${action}`, note ? { note } : {});
      setVisible(false);
      onDone();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }
  return (
    <Popover
      open={visible}
      onOpenChange={setVisible}
      trigger="click"
      title={t(`alerts.${action}`)}
      content={
        <Form layout="vertical" onFinish={save} className="acknowledge-form">
          {error ? <Alert type="error" message={error} /> : null}
          <Form.Item
            name="note"
            label={t("alerts.note")}
            rules={
              action === "resolve"
                ? [{ required: true, whitespace: true, message: t("alerts.noteRequired") }]
                : []
            }
          >
            <Input.TextArea
              maxLength={1000}
              placeholder={t("alerts.notePlaceholder")}
              data-testid={action === "acknowledge" ? "alert-note-input" : "alert-resolution-input"}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid={`alert-${action}-save`}>
            {t(action === "acknowledge" ? "alerts.save" : "alerts.saveResolve")}
          </Button>
        </Form>
      }
    >
      <Button data-testid={`alert-${action}`}>{t(`alerts.${action}`)}</Button>
    </Popover>
  );
}
