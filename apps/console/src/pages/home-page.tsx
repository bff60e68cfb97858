import { Card, Descriptions, Typography } from "antd";
import type { Operator } from "../api.ts";
import { useI18n } from "../i18n.tsx";

/** Where an operator lands after login: who they are and what they see. */
export function HomePage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  return (
    <Card>
      <Typography.Title level={3} data-testid="welcome">
        {t("home.welcome", { login: operator.login })}
      </Typography.Title>
      <Descriptions column={1}>
        <Descriptions.Item label={t("home.role")}>{t(`role.${operator.role}`)}</Descriptions.Item>
        <Descriptions.Item label={t("home.apps")}>
          {operator.apps ? operator.apps.join(", ") : t("home.allApps")}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
