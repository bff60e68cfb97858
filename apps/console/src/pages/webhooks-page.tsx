import { Alert, Button, Card, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, api, queryOf } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  createdAt: string;
}
interface Attempt {
  id: string;
  trigger: string;
  url: string;
  startedAt: string;
  latencyMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  succeeded: boolean;
}

const STATUS_COLORS: Record<string, string> = {
  pending: "gold",
  succeeded: "green",
  failed: "red",
  cancelled: "default",
};
const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;

/**
 * Webhook endpoints, their deliveries (paged on the server; ?endpoint=&status= in the URL),
 * each delivery's attempts when its row is opened, and replay. Admins only. What receivers
 * answered is shown as text, never as HTML.
 */
export function WebhooksPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const endpoints = useApi<{ data: Endpoint[] }>("/webhook-endpoints");
  const endpointId = params.get("endpoint") ?? undefined;
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes))
      if (value) next.set(name, value);
      else next.delete(name);
    setParams(next);
  };
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card title={t("webhooks.endpoints")}>
        {endpoints.error ? <Alert type="error" showIcon message={endpoints.error.message} /> : null}
        <Table<Endpoint>
          rowKey="id"
          loading={endpoints.loading}
          pagination={false}
          dataSource={endpoints.data?.data ?? []}
          locale={{ emptyText: t("webhooks.noEndpoints") }}
          rowClassName={(endpoint) => (endpoint.id === endpointId ? "ant-table-row-selected" : "")}
          onRow={(endpoint) => ({
            onClick: () => set({ endpoint: endpoint.id, cursor: undefined, status: undefined }),
          })}
          data-testid="endpoints-table"
          columns={[
            {
              title: t("webhooks.url"),
              dataIndex: "url",
              render: (url: string) => <span data-testid="endpoint-url">{url}</span>,
            },
            {
              title: t("webhooks.events"),
              dataIndex: "eventTypes",
              render: (types: string[]) => types.join(", "),
            },
            {
              title: t("webhooks.enabled"),
              dataIndex: "enabled",
              render: (enabled: boolean) => (enabled ? t("common.yes") : t("common.no")),
            },
          ]}
        />
      </Card>
      {endpointId ? (
        <Deliveries
          endpointId={endpointId}
          status={params.get("status") ?? undefined}
          cursor={params.get("cursor")}
          onChange={set}
        />
      ) : (
        <Typography.Text type="secondary">{t("webhooks.choose")}</Typography.Text>
      )}
    </Space>
  );
}

function Deliveries({
  endpointId,
  status,
  cursor,
  onChange,
}: {
  endpointId: string;
  status: string | undefined;
  cursor: string | null;
  onChange: (changes: Record<string, string | undefined>) => void;
}) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<{ type: "success" | "error"; text: string } | undefined>();
  const { data, error, loading } = useApi<{ data: Delivery[]; nextCursor: string | null }>(
    `/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries${queryOf({ status, cursor, limit: 20 })}`,
    version,
  );
  async function replay(delivery: Delivery) {
    try {
      await api(
        "POST",
        `/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries/${encodeURIComponent(delivery.id)}/replay`,
      );
      setNotice({ type: "success", text: t("webhooks.replayed") });
    } catch (caught) {
      setNotice({ type: "error", text: caught instanceof ApiError ? caught.message : String(caught) });
    }
    setVersion((v) => v + 1);
  }
  return (
    <Card
      title={t("webhooks.deliveries")}
      extra={
        <Select
          allowClear
          className="status-filter"
          placeholder={t("common.all")}
          value={status}
          onChange={(value?: string) => onChange({ status: value, cursor: undefined })}
          options={DELIVERY_STATUSES.map((value) => ({ value, label: value }))}
          data-testid="deliveries-status-filter"
        />
      }
    >
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      {notice ? (
        <Alert type={notice.type} showIcon message={notice.text} data-testid="replay-notice" />
      ) : null}
      <Table<Delivery>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("webhooks.empty") }}
        expandable={{
          expandedRowRender: (delivery) => (
            <Attempts endpointId={endpointId} deliveryId={delivery.id} version={version} />
          ),
        }}
        scroll={{ x: "max-content" }}
        data-testid="deliveries-table"
        columns={[
          { title: t("refunds.createdAt"), dataIndex: "createdAt", render: timeOf },
          { title: t("webhooks.eventType"), dataIndex: "eventType" },
          {
            title: t("webhooks.deliveryStatus"),
            dataIndex: "status",
            render: (value: string) => (
              <Tag
                color={STATUS_COLORS[value] ?? "default"}
                data-testid="delivery-status"
                data-status={value}
              >
                {value}
              </Tag>
            ),
          },
          { title: t("webhooks.attempts"), dataIndex: "attemptCount", align: "right" },
          {
            title: t("webhooks.statusCode"),
            dataIndex: "lastStatusCode",
            render: (code: number | null) => code ?? "—",
          },
          { title: t("webhooks.nextAttempt"), dataIndex: "nextAttemptAt", render: timeOf },
          {
            key: "replay",
            render: (_: unknown, delivery) => (
              <Button size="small" onClick={() => void replay(delivery)} data-testid="delivery-replay">
                {t("webhooks.replay")}
              </Button>
            ),
          },
        ]}
      />
      <Pager cursor={cursor} next={data?.nextCursor} onPage={(next) => onChange({ cursor: next })} />
    </Card>
  );
}

function Attempts({
  endpointId,
  deliveryId,
  version,
}: {
  endpointId: string;
  deliveryId: string;
  version: number;
}) {
  const { t } = useI18n();
  const { data, loading } = useApi<{ attempts: Attempt[] }>(
    `/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries/${encodeURIComponent(deliveryId)}`,
    version,
  );
  return (
    <Table<Attempt>
      rowKey="id"
      size="small"
      loading={loading}
      pagination={false}
      dataSource={data?.attempts ?? []}
      locale={{ emptyText: t("webhooks.noAttempts") }}
      data-testid="attempts-table"
      columns={[
        { title: t("webhooks.attemptAt"), dataIndex: "startedAt", render: timeOf },
        { title: "trigger", dataIndex: "trigger" },
        {
          title: t("webhooks.statusCode"),
          dataIndex: "statusCode",
          render: (code: number | null) => code ?? "—",
        },
        { title: t("webhooks.duration"), dataIndex: "latencyMs", render: (ms: number) => `${ms} ms` },
        {
          title: t("webhooks.answer"),
          dataIndex: "responseExcerpt",
          render: (text: string | null) => text ?? "—",
        },
        { title: t("webhooks.error"), dataIndex: "error", render: (text: string | null) => text ?? "—" },
      ]}
    />
  );
}
