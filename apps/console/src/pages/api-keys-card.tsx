import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, api, queryOf } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { type Page, Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";
import type { AppSettings } from "./settings-page.tsx";

interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  secretHint: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * An app's merchant API keys (?app= and ?keys= — the page's cursor — in the URL), paged on the
 * server. A new key's secret is shown in this card once: it lives in this component's state
 * only, so a reload, or leaving the page, loses it for good (the server keeps its hash).
 */
export function ApiKeysCard({ apps }: { apps: readonly AppSettings[] }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const appId = params.get("app") ?? undefined;
  const cursor = params.get("keys");
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApi<Page<ApiKey>>(
    `/api-keys${queryOf({ app: appId, cursor, limit: 10 })}`,
    version,
  );
  const [made, setMade] = useState<{ name: string; secret: string } | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [form] = Form.useForm<{ name: string; scopes: string[] }>();
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes))
      if (value) next.set(name, value);
      else next.delete(name);
    setParams(next);
  };

  async function create(values: { name: string; scopes: string[] }) {
    setFailure(undefined);
    try {
      const answer = await api<{ key: ApiKey; secret: string }>(
        "POST",
        `/api-keys${queryOf({ app: appId })}`,
        {
          name: values.name.trim(),
          scopes: values.scopes,
        },
      );
      setMade({ name: answer.key.name, secret: answer.secret });
      form.resetFields();
      set({ keys: undefined });
      setVersion((v) => v + 1);
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught.message : String(caught));
    }
  }
  async function revoke(keyId: string) {
    setFailure(undefined);
    try {
      await api("POST", `/api-keys/${encodeURIComponent(keyId)}/revoke${queryOf({ app: appId })}`);
      setVersion((v) => v + 1);
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  return (
    <Card
      title={t("keys.title")}
      extra={
        apps.length > 1 ? (
          <Select
            className="orders-status"
            value={appId ?? apps.find((app) => app.isDefault)?.id ?? apps[0]?.id ?? null}
            onChange={(value: string) => {
              setMade(undefined);
              set({ app: value, keys: undefined });
            }}
            options={apps.map((app) => ({ value: app.id, label: app.id }))}
            data-testid="keys-app"
          />
        ) : null
      }
    >
      <Space direction="vertical" size="middle" className="full-width">
        {made ? (
          <Alert
            type="success"
            showIcon
            closable
            onClose={() => setMade(undefined)}
            message={t("keys.created", { name: made.name })}
            description={
              <Typography.Text code copyable data-testid="new-key-secret">
                {made.secret}
              </Typography.Text>
            }
          />
        ) : null}
        {failure || error ? <Alert type="error" showIcon message={failure ?? error?.message} /> : null}
        <Form
          form={form}
          layout="inline"
          onFinish={(values) => void create(values)}
          initialValues={{ scopes: ["read"] }}
        >
          <Form.Item
            name="name"
            label={t("keys.name")}
            rules={[{ required: true, whitespace: true, message: t("login.required") }]}
          >
            <Input maxLength={100} placeholder={t("keys.namePlaceholder")} data-testid="new-key-name" />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t("keys.scopes")}
            rules={[{ required: true, message: t("login.required") }]}
          >
            <Checkbox.Group
              options={[
                { value: "read", label: t("keys.read") },
                { value: "write", label: t("keys.write") },
              ]}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="new-key-create">
            {t("keys.create")}
          </Button>
        </Form>
        <Table<ApiKey>
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={data?.data ?? []}
          locale={{ emptyText: t("keys.empty") }}
          data-testid="keys-table"
          columns={[
            { title: t("keys.name"), dataIndex: "name" },
            {
              title: t("keys.hint"),
              dataIndex: "secretHint",
              render: (hint: string) => <Typography.Text code>{hint}</Typography.Text>,
            },
            {
              title: t("keys.scopes"),
              dataIndex: "scopes",
              render: (scopes: string[]) => scopes.map((scope) => <Tag key={scope}>{scope}</Tag>),
            },
            { title: t("keys.createdAt"), dataIndex: "createdAt", render: timeOf },
            { title: t("keys.lastUsed"), dataIndex: "lastUsedAt", render: timeOf },
            {
              title: t("keys.state"),
              key: "state",
              render: (_: unknown, key) =>
                key.revokedAt ? (
                  <Tag data-testid="key-state" data-state="revoked">
                    {t("keys.revokedAt", { at: timeOf(key.revokedAt) })}
                  </Tag>
                ) : (
                  <Space>
                    <Tag color="green" data-testid="key-state" data-state="live">
                      {t("keys.live")}
                    </Tag>
                    <Popconfirm
                      title={t("keys.revokeConfirm", { name: key.name })}
                      okText={t("keys.revoke")}
                      cancelText={t("common.cancel")}
                      onConfirm={() => revoke(key.id)}
                    >
                      <Button size="small" danger data-testid="key-revoke">
                        {t("keys.revoke")}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
            },
          ]}
        />
        <Pager cursor={cursor} next={data?.nextCursor} onPage={(next) => set({ keys: next })} />
      </Space>
    </Card>
  );
}
