import { Alert, Button, Card, Input, Popconfirm, Select, Space, Table, Tabs, Typography } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError, api, may, type Operator, queryOf } from "../api.ts";
import { ChannelTag } from "../channel-tag.tsx";
import { timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { Pager } from "../pager.tsx";
import { RefundStatusTag } from "../refund-status-tag.tsx";
import type { ApprovalView, RefundView } from "../refunds-api.ts";
import { useApi } from "../use-api.ts";

const REFUND_STATUSES = ["PROCESSING", "SUCCESS", "CLOSED", "ABNORMAL"] as const;
const APPROVAL_STATUSES = ["PENDING", "APPROVED", "REJECTED"] as const;

/**
 * Refunds, and the approvals that wait for a second operator (maker-checker), paged on the
 * server. The view, its status filter and the page are in the URL
 * (/console/refunds?view=approvals&status=PENDING), so a link reproduces what one sees.
 */
export function RefundsPage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const view = params.get("view") === "approvals" ? "approvals" : "refunds";
  const status = params.get("status") ?? undefined;
  const statuses = view === "refunds" ? REFUND_STATUSES : APPROVAL_STATUSES;
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes))
      if (value) next.set(name, value);
      else next.delete(name);
    setParams(next);
  };
  return (
    <Card
      title={t("refunds.title")}
      extra={
        <Select
          allowClear
          className="status-filter"
          placeholder={t("refunds.anyStatus")}
          value={status}
          onChange={(value?: string) => set({ status: value, cursor: undefined })}
          options={statuses.map((value) => ({
            value,
            label: t(`${view === "refunds" ? "refundStatus" : "approvalStatus"}.${value}` as never),
          }))}
          data-testid="refunds-status-filter"
        />
      }
    >
      <Tabs
        activeKey={view}
        onChange={(key) => setParams(key === "approvals" ? { view: "approvals" } : {})}
        items={[
          { key: "refunds", label: <span data-testid="tab-refunds">{t("refunds.tabRefunds")}</span> },
          { key: "approvals", label: <span data-testid="tab-approvals">{t("refunds.tabApprovals")}</span> },
        ]}
      />
      {view === "refunds" ? (
        <RefundsTable status={status} cursor={params.get("cursor")} onPage={(cursor) => set({ cursor })} />
      ) : (
        <ApprovalsTable
          operator={operator}
          status={status}
          cursor={params.get("cursor")}
          onPage={(cursor) => set({ cursor })}
        />
      )}
    </Card>
  );
}

function RefundsTable({
  status,
  cursor,
  onPage,
}: {
  status: string | undefined;
  cursor: string | null;
  onPage: (cursor?: string) => void;
}) {
  const { t } = useI18n();
  const { data, error, loading } = useApi<{ data: RefundView[]; nextCursor: string | null }>(
    `/refunds${queryOf({ status, cursor, limit: 20 })}`,
  );
  return (
    <>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<RefundView>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("refunds.empty") }}
        scroll={{ x: "max-content" }}
        data-testid="refunds-table"
        columns={[
          { title: t("refunds.createdAt"), dataIndex: "createdAt", render: timeOf },
          { title: t("refunds.id"), dataIndex: "id" },
          {
            title: t("refunds.order"),
            dataIndex: "orderId",
            render: (orderId: string) => <Link to={`/orders/${encodeURIComponent(orderId)}`}>{orderId}</Link>,
          },
          {
            title: t("refunds.status"),
            dataIndex: "status",
            render: (value: string) => <RefundStatusTag status={value} kind="refund" />,
          },
          { title: t("refunds.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          {
            title: t("refunds.reason"),
            dataIndex: "reason",
            render: (reason: string | null) => reason ?? "—",
          },
          {
            title: t("order.channel"),
            dataIndex: "channel",
            render: (channel: string | undefined) => <ChannelTag channel={channel} />,
          },
          {
            title: t("refunds.lastError"),
            dataIndex: "lastError",
            render: (text: string | null) => text ?? "—",
          },
        ]}
      />
      <Pager cursor={cursor} next={data?.nextCursor} onPage={onPage} />
    </>
  );
}

function ApprovalsTable({
  operator,
  status,
  cursor,
  onPage,
}: {
  operator: Operator;
  status: string | undefined;
  cursor: string | null;
  onPage: (cursor?: string) => void;
}) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<{ type: "success" | "error"; text: string } | undefined>();
  const { data, error, loading } = useApi<{ data: ApprovalView[]; nextCursor: string | null }>(
    `/refund-approvals${queryOf({ status, cursor, limit: 20 })}`,
    version,
  );
  async function decide(approval: ApprovalView, decision: "approve" | "reject", note: string) {
    try {
      await api(
        "POST",
        `/refund-approvals/${encodeURIComponent(approval.id)}/${decision}`,
        note ? { note } : {},
      );
      setNotice({ type: "success", text: t("approvals.done", { decision: t(`approvals.${decision}`) }) });
    } catch (caught) {
      setNotice({ type: "error", text: caught instanceof ApiError ? caught.message : String(caught) });
    }
    setVersion((v) => v + 1);
  }
  return (
    <>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      {notice ? (
        <Alert type={notice.type} showIcon message={notice.text} data-testid="approval-notice" />
      ) : null}
      <Table<ApprovalView>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("approvals.empty") }}
        scroll={{ x: "max-content" }}
        data-testid="approvals-table"
        columns={[
          { title: t("refunds.createdAt"), dataIndex: "requestedAt", render: timeOf },
          {
            title: t("refunds.order"),
            dataIndex: "orderId",
            render: (orderId: string) => <Link to={`/orders/${encodeURIComponent(orderId)}`}>{orderId}</Link>,
          },
          { title: t("refunds.amount"), dataIndex: "amountFen", align: "right", render: yuanOf },
          {
            title: t("refunds.reason"),
            dataIndex: "reason",
            render: (reason: string | null) => reason ?? "—",
          },
          { title: t("approvals.requestedBy"), dataIndex: "requestedBy" },
          {
            title: t("refunds.status"),
            dataIndex: "status",
            render: (value: string) => <RefundStatusTag status={value} kind="approval" />,
          },
          {
            title: t("approvals.decidedBy"),
            key: "decision",
            render: (_: unknown, approval) =>
              approval.status !== "PENDING" ? (
                <div>
                  <div>
                    {approval.decidedBy} {timeOf(approval.decidedAt)}
                  </div>
                  {approval.decisionNote ? (
                    <Typography.Text type="secondary">{approval.decisionNote}</Typography.Text>
                  ) : null}
                  {approval.refundId ? <div data-testid="approval-refund">{approval.refundId}</div> : null}
                </div>
              ) : approval.requestedBy === operator.id ? (
                <Typography.Text type="secondary" data-testid="approval-own">
                  {t("approvals.own")}
                </Typography.Text>
              ) : may(operator, "approve") ? (
                <Decide onDecide={(decision, note) => void decide(approval, decision, note)} />
              ) : null,
          },
        ]}
      />
      <Pager cursor={cursor} next={data?.nextCursor} onPage={onPage} />
    </>
  );
}

function Decide({ onDecide }: { onDecide: (decision: "approve" | "reject", note: string) => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState("");
  const noteInput = (
    <Input
      maxLength={500}
      placeholder={t("approvals.note")}
      value={note}
      onChange={(event) => setNote(event.target.value)}
      data-testid="approval-note"
    />
  );
  return (
    <Space>
      <Popconfirm
        title={noteInput}
        onConfirm={() => onDecide("approve", note.trim())}
        okButtonProps={{ "data-testid": "approval-approve-confirm" } as never}
      >
        <Button type="primary" data-testid="approval-approve">
          {t("approvals.approve")}
        </Button>
      </Popconfirm>
      <Popconfirm
        title={noteInput}
        onConfirm={() => onDecide("reject", note.trim())}
        okButtonProps={{ "data-testid": "approval-reject-confirm" } as never}
      >
        <Button danger data-testid="approval-reject">
          {t("approvals.reject")}
        </Button>
      </Popconfirm>
    </Space>
  );
}
