import {
  AlertOutlined,
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  CalendarOutlined,
  FileDoneOutlined,
  GiftOutlined,
  HomeOutlined,
  LogoutOutlined,
  ProfileOutlined,
  RollbackOutlined,
  SettingOutlined,
  TeamOutlined,
  TranslationOutlined,
  UserOutlined,
  WalletOutlined,
} from "@ant-design/icons";
import { Button, Layout, Menu, Space, Tag, Typography } from "antd";
import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { MAY, type Operator } from "./api.ts";
import { useI18n } from "./i18n.tsx";
import type { MessageKey } from "./messages.ts";
import { useSession } from "./session.tsx";

export interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown only to these roles; the server checks again on every route (the menu is no guard). */
  roles?: readonly Operator["role"][];
}

export const MENU: readonly MenuEntry[] = [
  { path: "/", label: "menu.home", icon: <HomeOutlined /> },
  { path: "/orders", label: "menu.orders", icon: <ProfileOutlined /> },
  { path: "/refunds", label: "menu.refunds", icon: <RollbackOutlined /> },
  { path: "/bookings", label: "menu.bookings", icon: <CalendarOutlined /> },
  { path: "/catalog", label: "menu.catalog", icon: <AppstoreOutlined /> },
  { path: "/alerts", label: "menu.alerts", icon: <AlertOutlined /> },
  // The same roles as domain/operator-roles.ts gives operators.read and audit.read.
  { path: "/operators", label: "menu.operators", icon: <TeamOutlined />, roles: ["admin"] },
  { path: "/audit", label: "menu.audit", icon: <AuditOutlined />, roles: ["admin", "finance"] },
  { path: "/wallets", label: "menu.wallets", icon: <WalletOutlined />, roles: MAY.wallets },
  { path: "/reconciliation", label: "menu.reconciliation", icon: <FileDoneOutlined />, roles: MAY.reconcile },
  { path: "/tips", label: "menu.tips", icon: <GiftOutlined />, roles: MAY.tips },
  { path: "/webhooks", label: "menu.webhooks", icon: <ApiOutlined />, roles: MAY.webhooks },
  { path: "/settings", label: "menu.settings", icon: <SettingOutlined />, roles: MAY.settings },
];

/** The frame of every page: the menu, who is logged in with which role, language, logout. */
export function ConsoleLayout({ operator, children }: { operator: Operator; children: ReactNode }) {
  const { t, switchLanguage } = useI18n();
  const { logOut } = useSession();
  const location = useLocation();
  const entries = MENU.filter((entry) => !entry.roles || entry.roles.includes(operator.role));
  const selected = entries
    .filter((entry) =>
      entry.path === "/" ? location.pathname === "/" : location.pathname.startsWith(entry.path),
    )
    .map((entry) => entry.path);
  return (
    <Layout className="console-layout">
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" className="console-sider">
        <div className="console-brand">Kassa</div>
        <Menu
          mode="inline"
          selectedKeys={selected}
          items={entries.map((entry) => ({
            key: entry.path,
            icon: entry.icon,
            label: (
              <Link to={entry.path} data-testid={`menu-${entry.path === "/" ? "home" : entry.path.slice(1)}`}>
                {t(entry.label)}
              </Link>
            ),
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Typography.Text strong>{t("app.title")}</Typography.Text>
          <Space size="middle">
            <Space size="small" data-testid="operator">
              <UserOutlined />
              <span data-testid="operator-login">{operator.login}</span>
              <Tag color="blue" data-testid="operator-role">
                {t(`role.${operator.role}`)}
              </Tag>
            </Space>
            <Button icon={<TranslationOutlined />} onClick={switchLanguage} data-testid="language">
              {t("layout.language")}
            </Button>
            <Button icon={<LogoutOutlined />} onClick={() => void logOut()} data-testid="logout">
              {t("layout.logout")}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
