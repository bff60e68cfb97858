import { Alert, Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError, api, may, type Operator, queryOf } from "../api.ts";
import { fenOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { type Page, Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Product {
  id: string;
  name: string;
  priceFen: number;
  stock: number;
  active: boolean;
}
interface Tier {
  id: string;
  amountFen: number;
  bonusFen: number;
  creditFen: number;
  active: boolean;
}
interface Recipient {
  id: string;
  name: string;
  active: boolean;
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
}

/**
 * The catalog (issue 12): products with price and stock (paged on the server, ?cursor= in the
 * URL), the top-up tiers, and the tipping rules of each recipient (finance and admin, as the
 * tips page). Admins change a product's price or stock; names are shown as text, never HTML.
 */
export function CatalogPage({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const cursor = params.get("cursor");
  const [version, setVersion] = useState(0);
  const products = useApi<Page<Product>>(`/products${queryOf({ cursor, limit: 20 })}`, version);
  const tiers = useApi<{ data: Tier[] }>("/wallet-tiers");
  const [editing, setEditing] = useState<Product | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const editable = may(operator, "catalogEdit");
  const active = (on: boolean) => (
    <Tag color={on ? "green" : "default"}>{t(on ? "catalog.active" : "catalog.inactive")}</Tag>
  );
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card title={t("catalog.products")}>
        {notice ? (
          <Alert
            type="success"
            showIcon
            message={notice}
            className="login-error"
            data-testid="catalog-notice"
          />
        ) : null}
        {products.error ? <Alert type="error" showIcon message={products.error.message} /> : null}
        <Table<Product>
          rowKey="id"
          loading={products.loading}
          pagination={false}
          dataSource={products.data?.data ?? []}
          locale={{ emptyText: t("catalog.noProducts") }}
          data-testid="products-table"
          columns={[
            {
              title: t("catalog.name"),
              dataIndex: "name",
              render: (name: string) => <span data-testid="product-name">{name}</span>,
            },
            { title: t("catalog.id"), dataIndex: "id" },
            { title: t("catalog.price"), dataIndex: "priceFen", align: "right", render: yuanOf },
            {
              title: t("catalog.stock"),
              dataIndex: "stock",
              align: "right",
              render: (stock: number) => <span data-testid="product-stock">{stock}</span>,
            },
            { title: t("catalog.state"), dataIndex: "active", render: active },
            ...(editable
              ? [
                  {
                    title: "",
                    key: "edit",
                    render: (_: unknown, product: Product) => (
                      <Button size="small" onClick={() => setEditing(product)} data-testid="product-edit">
                        {t("catalog.edit")}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
        <Pager
          cursor={cursor}
          next={products.data?.nextCursor}
          onPage={(next) => setParams(next ? { cursor: next } : {})}
        />
      </Card>
      <Card title={t("catalog.tiers")}>
        {tiers.error ? <Alert type="error" showIcon message={tiers.error.message} /> : null}
        <Table<Tier>
          rowKey="id"
          loading={tiers.loading}
          pagination={false}
          dataSource={tiers.data?.data ?? []}
          locale={{ emptyText: t("catalog.noTiers") }}
          data-testid="tiers-table"
          columns={[
            { title: t("catalog.tierPay"), dataIndex: "amountFen", align: "right", render: yuanOf },
            { title: t("catalog.tierBonus"), dataIndex: "bonusFen", align: "right", render: yuanOf },
            { title: t("catalog.tierCredit"), dataIndex: "creditFen", align: "right", render: yuanOf },
            { title: t("catalog.state"), dataIndex: "active", render: active },
          ]}
        />
      </Card>
      {may(operator, "tips") ? <TippingRules /> : null}
      {editing ? (
        <EditProduct
          product={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            setNotice(
              t("catalog.saved", {
                name: saved.name,
                price: yuanOf(saved.priceFen),
                stock: String(saved.stock),
              }),
            );
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </Space>
  );
}

/** A recipient's tipping rules: presets, bounds and the daily cap per payer (the tips page has the rest). */
function TippingRules() {
  const { t } = useI18n();
  const { data, error, loading } = useApi<Page<Recipient>>(`/tip-recipients${queryOf({ limit: 20 })}`);
  return (
    <Card title={t("catalog.tipping")} extra={<Link to="/tips">{t("menu.tips")}</Link>}>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<Recipient>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("tips.noRecipients") }}
        data-testid="tipping-table"
        columns={[
          { title: t("tips.recipient"), dataIndex: "name" },
          {
            title: t("tips.presets"),
            dataIndex: "presetAmountsFen",
            render: (amounts: number[]) => amounts.map((fen) => <Tag key={fen}>{yuanOf(fen)}</Tag>),
          },
          {
            title: t("tips.bounds"),
            key: "bounds",
            render: (_: unknown, r) => `${yuanOf(r.minFen)} – ${yuanOf(r.maxFen)}`,
          },
          { title: t("catalog.dailyCap"), dataIndex: "dailyCapFen", align: "right", render: yuanOf },
        ]}
      />
    </Card>
  );
}

/** Price in ¥ (to integer fen by the digits, format.ts) and stock as a whole number, not below 0. */
function EditProduct({
  product,
  onClose,
  onSaved,
}: {
  product: Product;
  onClose: () => void;
  onSaved: (product: Product) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ price: string; stock: number }>();
  const [failure, setFailure] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  async function save(values: { price: string; stock: number }) {
    const priceFen = fenOf(values.price) as number;
    const change = {
      ...(priceFen !== product.priceFen ? { priceFen } : {}),
      ...(values.stock !== product.stock ? { stock: values.stock } : {}),
    };
    if (Object.keys(change).length === 0) return onClose();
    setSaving(true);
    setFailure(undefined);
    try {
      onSaved(await api<Product>("POST", `/products/${encodeURIComponent(product.id)}`, change));
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal
      open
      title={t("catalog.editTitle", { name: product.name })}
      okText={t("catalog.save")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ "data-testid": "product-save" }}
    >
      {failure ? <Alert type="error" showIcon message={failure} className="login-error" /> : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ price: yuanOf(product.priceFen).slice(1), stock: product.stock }}
        onFinish={(values) => void save(values)}
      >
        <Form.Item
          name="price"
          label={t("catalog.priceYuan")}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                if (!fenOf(value ?? "")) throw new Error(t("catalog.priceInvalid"));
              },
            },
          ]}
        >
          <Input prefix="¥" data-testid="product-price" />
        </Form.Item>
        <Form.Item
          name="stock"
          label={t("catalog.stock")}
          extra={t("catalog.stockHint")}
          rules={[{ required: true, type: "integer", min: 0, message: t("catalog.stockInvalid") }]}
        >
          <InputNumber min={0} precision={0} className="full-width" data-testid="product-stock-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
