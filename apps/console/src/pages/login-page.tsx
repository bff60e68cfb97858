import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { ApiError } from "../api.ts";
import { useI18n } from "../i18n.tsx";
import { useSession } from "../session.tsx";

interface LoginForm {
  login: string;
  password: string;
  totp?: string;
}

/**
 * Password first; when the account has a second factor the server answers
 * ADMIN_TOTP_REQUIRED and the form asks for the authenticator's code as well.
 */
export function LoginPage() {
  const { t, switchLanguage } = useI18n();
  const { logIn } = useSession();
  const [needsTotp, setNeedsTotp] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(values: LoginForm) {
    setBusy(true);
    setError(undefined);
    try {
      await logIn({
        login: values.login,
        password: values.password,
        ...(values.totp ? { totp: values.totp } : {}),
      });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "ADMIN_TOTP_REQUIRED") setNeedsTotp(true);
      else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-backdrop">
      <Card
        className="login-card"
        title={t("login.title")}
        extra={
          <Button type="link" onClick={switchLanguage} data-testid="language">
            {t("layout.language")}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t("app.title")}</Typography.Paragraph>
        {error ? (
          <Alert type="error" showIcon message={error} data-testid="login-error" className="login-error" />
        ) : null}
        <Form<LoginForm> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="login"
            label={t("login.login")}
            rules={[{ required: true, message: t("login.required") }]}
          >
            <Input autoComplete="username" data-testid="login-name" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("login.password")}
            rules={[{ required: true, message: t("login.required") }]}
          >
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {needsTotp ? (
            <Form.Item
              name="totp"
              label={t("login.totp")}
              extra={t("login.totpHint")}
              rules={[{ required: true, pattern: /^[0-9]{6}$/, message: t("login.totpHint") }]}
            >
              <Input
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                data-testid="login-totp"
                autoFocus
              />
            </Form.Item>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
