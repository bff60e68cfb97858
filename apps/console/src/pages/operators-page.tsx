import { Alert, Button, Card, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { ApiError, api, type Operator } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { useApi } from "../use-api.ts";

const ROLES: readonly Operator["role"][] = ["viewer", "support", "finance", "admin"];

/** The operators (admins only, as the server checks); a new one's password is shown once. */
export function OperatorsPage() {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApi<{ data: Operator[] }>("/operators", version);
  const [made, setMade] = useState<{ login: string; password: string } | undefined>();
  const [createError, setCreateError] = useState<string | undefined>();
  const [form] = Form.useForm<{ login: string; role: Operator["role"] }>();

  async function create(values: { login: string; role: Operator["role"] }) {
    setCreateError(undefined);
    try {
      const answer = await api<{ operator: Operator; password?: string }>("POST", "/operators", values);
      setMade({ login: answer.operator.login, password: answer.password ?? "" });
      form.resetFields();
      setVersion((v) => v + 1);
    } catch (caught) {
      setCreateError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card title={t("operators.create")} size="small">
        {made ? (
          <Alert
            type="success"
            showIcon
            className="login-error"
            message={t("operators.created", { login: made.login })}
            description={
              <Typography.Text code copyable data-testid="new-operator-password">
                {made.password}
              </Typography.Text>
            }
          />
        ) : null}
        {createError ? <Alert type="error" showIcon message={createError} className="login-error" /> : null}
        <Form form={form} layout="inline" onFinish={create} initialValues={{ role: "viewer" }}>
          <Form.Item
            name="login"
            label={t("operators.login")}
            rules={[{ required: true, message: t("login.required") }]}
          >
            <Input data-testid="new-operator-login" />
          </Form.Item>
          <Form.Item name="role" label={t("operators.role")}>
            <Select
              className="orders-status"
              options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="new-operator-create">
            {t("operators.create")}
          </Button>
        </Form>
      </Card>
      <Card title={t("operators.title")}>
        {error ? <Alert type="error" showIcon message={error.message} /> : null}
        <Table<Operator>
          rowKey="id"
          loading={loading}
          dataSource={data?.data ?? []}
          pagination={false}
          data-testid="operators-table"
          columns={[
            { title: t("operators.login"), dataIndex: "login" },
            {
              title: t("operators.role"),
              dataIndex: "role",
              render: (role: Operator["role"]) => <Tag>{t(`role.${role}`)}</Tag>,
            },
            {
              title: t("operators.apps"),
              dataIndex: "apps",
              render: (apps: string[] | null) => (apps ? apps.join(", ") : t("home.allApps")),
            },
            {
              title: t("operators.totp"),
              dataIndex: "hasTotp",
              render: (has: boolean) => t(has ? "common.yes" : "common.no"),
            },
            { title: t("operators.createdAt"), dataIndex: "createdAt", render: timeOf },
          ]}
        />
      </Card>
    </Space>
  );
}
