import { Alert, Button, Card, Form, Input, Popover, Segmented, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, api, type Operator, queryOf } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { useApi } from "../use-api.ts";

interface AlertView {
  id: string;
  kind: string;
  subjectId: string;
  appId: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
}

const MAY_ACKNOWLEDGE: readonly Operator["role"][] = ["support", "finance", "admin"];

/** What needs an operator: open alerts first (?open=true in the URL), acknowledged with a note. */
export function AlertsPage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const open = params.get("open") !== "false";
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApi<{ data: AlertView[]; nextCursor: string | null }>(
    `/alerts${queryOf({ open: open ? "true" : undefined, cursor: params.get("cursor"), limit: 20 })}`,
    version,
  );
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
        <Segmented
          value={open ? "open" : "all"}
          data-testid="alerts-filter"
          options={[
            { value: "open", label: t("alerts.open") },
            { value: "all", label: t("alerts.all") },
          ]}
          onChange={(value) => setParams(value === "open" ? {} : { open: "false" })}
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
            render: (kind: string) => <Tag color="red">{kind}</Tag>,
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
            render: (_: unknown, alert) =>
              alert.acknowledgedAt ? (
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
              ) : MAY_ACKNOWLEDGE.includes(operator.role) ? (
                <AcknowledgeButton alertId={alert.id} onDone={() => setVersion((v) => v + 1)} />
              ) : null,
          },
        ]}
      />
      <Space className="orders-pager">
        <Button disabled={!params.get("cursor")} onClick={() => pageWith(null)}>
          {t("orders.first")}
        </Button>
        <Button disabled={!data?.nextCursor} onClick={() => pageWith(data?.nextCursor ?? null)}>
          {t("orders.next")}
        </Button>
      </Space>
    </Card>
  );
}

/** A popover, not a modal: the note is one line, and the table stays in view. */
function AcknowledgeButton({ alertId, onDone }: { alertId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function acknowledge(values: { note?: string }) {
    try {
      const note = values.note?.trim();
      await api("POST", `/alerts/${encodeURIComponent(alertId)}/acknowledge`, note ? { note } : {});
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
      title={t("alerts.acknowledge")}
      content={
        <Form layout="vertical" onFinish={acknowledge} className="acknowledge-form">
          {error ? <Alert type="error" message={error} /> : null}
          <Form.Item name="note" label={t("alerts.note")}>
            <Input.TextArea
              maxLength={1000}
              placeholder={t("alerts.notePlaceholder")}
              data-testid="alert-note-input"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="alert-acknowledge-save">
            {t("alerts.save")}
          </Button>
        </Form>
      }
    >
      <Button data-testid="alert-acknowledge">{t("alerts.acknowledge")}</Button>
    </Popover>
  );
}
