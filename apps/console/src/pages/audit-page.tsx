import { Alert, Button, Card, Space, Table, Typography } from "antd";
import { useSearchParams } from "react-router";
import { queryOf } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { useApi } from "../use-api.ts";

interface AuditEntry {
  seq: number;
  operatorId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  appId: string | null;
  before: unknown;
  after: unknown;
  address: string | null;
  at: string;
  hash: string;
}

const PAGE = 20;

/** Every operator action, newest first, append-only and hash-chained; pages by ?before=seq. */
export function AuditPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const before = params.get("before");
  const { data, error, loading } = useApi<{ data: AuditEntry[] }>(
    `/audit${queryOf({ before, limit: PAGE })}`,
  );
  const entries = data?.data ?? [];
  const oldest = entries.at(-1)?.seq;
  const change = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));
  return (
    <Card title={t("audit.title")}>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<AuditEntry>
        rowKey="seq"
        loading={loading}
        dataSource={entries}
        pagination={false}
        data-testid="audit-table"
        columns={[
          { title: t("audit.seq"), dataIndex: "seq" },
          { title: t("audit.at"), dataIndex: "at", render: timeOf, width: 180 },
          { title: t("audit.operator"), dataIndex: "operatorId", render: (id: string | null) => id ?? "—" },
          {
            title: t("audit.action"),
            dataIndex: "action",
            render: (action: string) => <span data-testid="audit-action">{action}</span>,
          },
          {
            title: t("audit.object"),
            key: "object",
            render: (_: unknown, entry) => `${entry.objectType} ${entry.objectId}`,
          },
          {
            title: t("audit.change"),
            key: "change",
            render: (_: unknown, entry) => (
              <Typography.Text type="secondary">
                {[change(entry.before), change(entry.after)].filter(Boolean).join(" → ")}
              </Typography.Text>
            ),
          },
          {
            title: t("audit.address"),
            dataIndex: "address",
            render: (address: string | null) => address ?? "—",
          },
        ]}
      />
      <Space className="orders-pager">
        <Button disabled={!before} onClick={() => setParams({})}>
          {t("common.newest")}
        </Button>
        <Button
          disabled={entries.length < PAGE || oldest === undefined}
          onClick={() => setParams({ before: String(oldest) })}
        >
          {t("common.more")}
        </Button>
      </Space>
    </Card>
  );
}
