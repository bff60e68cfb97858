import { Alert, Button, Card, Descriptions, Empty, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { ApiError, api } from "../api.ts";
import { timeOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { useApi } from "../use-api.ts";
import { ApiKeysCard } from "./api-keys-card.tsx";

interface Certificate {
  serial: string;
  fingerprintSha256: string;
  notAfter: string;
}
export interface AppSettings {
  id: string;
  isDefault: boolean;
  wechatpay: {
    appid: string;
    mchid: string;
    merchantSerialNo: string;
    merchantCertificate: Certificate | null;
    verification: "public-key" | "platform-certificates";
    publicKey: { id: string; fingerprintSha256: string } | null;
    baseUrl: string;
  } | null;
  alipay: {
    appId: string;
    sellerId: string;
    keyMode: "key" | "certificate";
    alipayPublicKeyFingerprintSha256: string | null;
    appCertificate: Certificate | null;
    alipayPublicCertificate: Certificate | null;
    rootCertificate: { sn: string; notAfter: string } | null;
    gatewayUrl: string;
  } | null;
  notifyUrls: { wechatpay?: string; alipay?: string };
  webhookDomains: string[];
}
interface CheckResult {
  id: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  appId?: string;
}

const CHECK_COLORS = { ok: "green", warn: "gold", fail: "red" } as const;

/**
 * Settings (issue 12; admins only, as the server checks): each app's channel accounts by id,
 * serial, fingerprint and expiry (the server never sends a key or a secret), its notify URLs
 * and webhook allow-list, its merchant API keys, and the config check run on demand.
 */
export function SettingsPage() {
  const { t } = useI18n();
  const { data, error } = useApi<{ data: AppSettings[] }>("/settings/apps");
  const apps = data?.data ?? [];
  return (
    <Space direction="vertical" size="middle" className="full-width">
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      {apps.map((app) => (
        <AppCard key={app.id} app={app} />
      ))}
      <ApiKeysCard apps={apps} />
      <ConfigCheckCard />
      {data && apps.length === 0 ? <Empty description={t("settings.noApps")} /> : null}
    </Space>
  );
}

/** Monospace, copyable: a fingerprint or serial is compared character by character. */
function Code({ text, testId }: { text: string; testId?: string }) {
  return (
    <Typography.Text code copyable className="settings-code" data-testid={testId}>
      {text}
    </Typography.Text>
  );
}

/** A certificate's rows: its serial (or SN), its fingerprint, and when it expires. */
function certificateItems(
  labels: { serial: string; fingerprint: string; expires: string },
  certificate: Certificate | null,
  none: string,
) {
  if (!certificate) return [{ key: labels.serial, label: labels.serial, children: none }];
  return [
    { key: labels.serial, label: labels.serial, children: <Code text={certificate.serial} /> },
    {
      key: `${labels.serial}-fp`,
      label: labels.fingerprint,
      children: <Code text={certificate.fingerprintSha256} />,
    },
    {
      key: `${labels.serial}-exp`,
      label: labels.expires,
      children: <span data-testid="settings-expires">{timeOf(certificate.notAfter)}</span>,
    },
  ];
}

function AppCard({ app }: { app: AppSettings }) {
  const { t } = useI18n();
  const wechatpay = app.wechatpay;
  const alipay = app.alipay;
  return (
    <Card
      title={
        <Space>
          <span data-testid="settings-app">{app.id}</span>
          {app.isDefault ? <Tag color="blue">{t("settings.default")}</Tag> : null}
        </Space>
      }
      data-testid="settings-app-card"
    >
      <Space direction="vertical" size="middle" className="full-width">
        {wechatpay ? (
          <Descriptions
            title={t("settings.wechatpay")}
            size="small"
            bordered
            column={1}
            data-testid="settings-wechatpay"
            items={[
              { key: "appid", label: "AppID", children: <Code text={wechatpay.appid} /> },
              { key: "mchid", label: t("settings.mchid"), children: <Code text={wechatpay.mchid} /> },
              {
                key: "serial",
                label: t("settings.merchantSerial"),
                children: <Code text={wechatpay.merchantSerialNo} testId="settings-merchant-serial" />,
              },
              ...certificateItems(
                {
                  serial: t("settings.merchantCertificate"),
                  fingerprint: t("settings.certificateFingerprint"),
                  expires: t("settings.expires"),
                },
                wechatpay.merchantCertificate,
                t("settings.notConfigured"),
              ),
              {
                key: "verification",
                label: t("settings.verification"),
                children: t(
                  wechatpay.verification === "public-key"
                    ? "settings.publicKeyMode"
                    : "settings.certificateMode",
                ),
              },
              ...(wechatpay.publicKey
                ? [
                    {
                      key: "pk",
                      label: t("settings.publicKeyId"),
                      children: <Code text={wechatpay.publicKey.id} />,
                    },
                    {
                      key: "pkfp",
                      label: t("settings.publicKeyFingerprint"),
                      children: (
                        <Code text={wechatpay.publicKey.fingerprintSha256} testId="settings-public-key-fp" />
                      ),
                    },
                  ]
                : []),
              { key: "base", label: t("settings.gateway"), children: wechatpay.baseUrl },
              { key: "notify", label: t("settings.notifyUrl"), children: app.notifyUrls.wechatpay ?? "—" },
            ]}
          />
        ) : null}
        {alipay ? (
          <Descriptions
            title={t("settings.alipay")}
            size="small"
            bordered
            column={1}
            data-testid="settings-alipay"
            items={[
              { key: "appid", label: "APPID", children: <Code text={alipay.appId} /> },
              { key: "seller", label: t("settings.sellerId"), children: <Code text={alipay.sellerId} /> },
              {
                key: "mode",
                label: t("settings.keyMode"),
                children: t(alipay.keyMode === "key" ? "settings.alipayKeyMode" : "settings.alipayCertMode"),
              },
              ...(alipay.alipayPublicKeyFingerprintSha256
                ? [
                    {
                      key: "fp",
                      label: t("settings.alipayPublicKey"),
                      children: <Code text={alipay.alipayPublicKeyFingerprintSha256} />,
                    },
                  ]
                : []),
              ...(alipay.keyMode === "certificate"
                ? [
                    ...certificateItems(
                      {
                        serial: t("settings.appCertSn"),
                        fingerprint: t("settings.certificateFingerprint"),
                        expires: t("settings.expires"),
                      },
                      alipay.appCertificate,
                      "—",
                    ),
                    ...certificateItems(
                      {
                        serial: t("settings.alipayCertSn"),
                        fingerprint: t("settings.certificateFingerprint"),
                        expires: t("settings.expires"),
                      },
                      alipay.alipayPublicCertificate,
                      "—",
                    ),
                    {
                      key: "root",
                      label: t("settings.rootCertSn"),
                      children: alipay.rootCertificate ? (
                        <Space direction="vertical" size={0}>
                          <Code text={alipay.rootCertificate.sn} />
                          <span>{timeOf(alipay.rootCertificate.notAfter)}</span>
                        </Space>
                      ) : (
                        "—"
                      ),
                    },
                  ]
                : []),
              { key: "gateway", label: t("settings.gateway"), children: alipay.gatewayUrl },
              { key: "notify", label: t("settings.notifyUrl"), children: app.notifyUrls.alipay ?? "—" },
            ]}
          />
        ) : null}
        <Descriptions
          title={t("settings.webhookDomains")}
          size="small"
          bordered
          column={1}
          items={[
            {
              key: "domains",
              label: t("settings.allowed"),
              children:
                app.webhookDomains.length > 0 ? (
                  <Space wrap data-testid="settings-webhook-domains">
                    {app.webhookDomains.map((domain) => (
                      <Tag key={domain}>{domain}</Tag>
                    ))}
                  </Space>
                ) : (
                  <span data-testid="settings-webhook-domains">{t("settings.noDomains")}</span>
                ),
            },
          ]}
        />
      </Space>
    </Card>
  );
}

/** The doctor's checks, run when asked: each one signs a read-only call at the channel. */
function ConfigCheckCard() {
  const { t } = useI18n();
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<
    { ok: boolean; checkedAt: string; checks: CheckResult[] } | undefined
  >();
  const [failure, setFailure] = useState<string | undefined>();
  async function run() {
    setRunning(true);
    setFailure(undefined);
    try {
      setAnswer(await api("POST", "/settings/check"));
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setRunning(false);
    }
  }
  return (
    <Card
      title={t("settings.check")}
      extra={
        <Button type="primary" loading={running} onClick={() => void run()} data-testid="config-check-run">
          {t("settings.checkRun")}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t("settings.checkHint")}</Typography.Paragraph>
      {failure ? <Alert type="error" showIcon message={failure} /> : null}
      {answer ? (
        <Alert
          className="login-error"
          type={answer.ok ? "success" : "error"}
          showIcon
          data-testid="config-check-summary"
          message={t(answer.ok ? "settings.checkOk" : "settings.checkFailed", {
            at: timeOf(answer.checkedAt),
          })}
        />
      ) : null}
      <Table<CheckResult>
        rowKey={(check) => `${check.id}-${check.appId ?? ""}`}
        pagination={false}
        dataSource={answer?.checks ?? []}
        locale={{ emptyText: t("settings.checkNotRun") }}
        data-testid="config-check-table"
        columns={[
          {
            title: t("settings.checkStatus"),
            dataIndex: "status",
            width: 90,
            render: (status: CheckResult["status"]) => (
              <Tag color={CHECK_COLORS[status]} data-testid="config-check-status" data-status={status}>
                {status}
              </Tag>
            ),
          },
          { title: t("settings.checkId"), dataIndex: "id", width: 170 },
          {
            title: t("settings.checkApp"),
            dataIndex: "appId",
            width: 130,
            render: (id?: string) => id ?? "—",
          },
          { title: t("settings.checkDetail"), dataIndex: "detail" },
        ]}
      />
    </Card>
  );
}
