import { Spin } from "antd";
import { Navigate, Route, Routes } from "react-router";
import { ConsoleLayout } from "./layout.tsx";
import { AlertsPage } from "./pages/alerts-page.tsx";
import { AuditPage } from "./pages/audit-page.tsx";
import { BookingsPage } from "./pages/bookings-page.tsx";
import { CatalogPage } from "./pages/catalog-page.tsx";
import { DashboardPage } from "./pages/dashboard-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { OperatorsPage } from "./pages/operators-page.tsx";
import { OrderDetailPage } from "./pages/order-detail-page.tsx";
import { OrdersPage } from "./pages/orders-page.tsx";
import { ReconciliationPage } from "./pages/reconciliation-page.tsx";
import { RefundsPage } from "./pages/refunds-page.tsx";
import { SettingsPage } from "./pages/settings-page.tsx";
import { TipsPage } from "./pages/tips-page.tsx";
import { WalletPage, WalletsPage } from "./pages/wallets-page.tsx";
import { WebhooksPage } from "./pages/webhooks-page.tsx";
import { useSession } from "./session.tsx";

/** Nobody logged in: the login page at every path; logged in: the layout and its pages. */
export function ConsoleRoutes() {
  const { operator } = useSession();
  if (operator === undefined) return <Spin size="large" fullscreen />;
  if (operator === null) return <LoginPage />;
  return (
    <ConsoleLayout operator={operator}>
      <Routes>
        <Route path="/" element={<DashboardPage />} />
        <Route path="/orders" element={<OrdersPage />} />
        <Route path="/orders/:orderId" element={<OrderDetailPage />} />
        <Route path="/alerts" element={<AlertsPage operator={operator} />} />
        <Route path="/operators" element={<OperatorsPage />} />
        <Route path="/audit" element={<AuditPage />} />
        <Route path="/refunds" element={<RefundsPage operator={operator} />} />
        <Route path="/wallets" element={<WalletsPage />} />
        <Route path="/wallets/:userId" element={<WalletPage />} />
        <Route path="/bookings" element={<BookingsPage />} />
        <Route path="/reconciliation" element={<ReconciliationPage operator={operator} />} />
        <Route path="/tips" element={<TipsPage />} />
        <Route path="/webhooks" element={<WebhooksPage />} />
        <Route path="/catalog" element={<CatalogPage operator={operator} />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </ConsoleLayout>
  );
}
