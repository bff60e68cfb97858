import { kassaConfig } from "../../config";
import { call, newIdempotencyKey } from "../../utils/kassa";
import type { Catalog, CatalogItem, Order, OrderCreateBody } from "../../utils/kassa-types";
import { errorText } from "../../utils/page-text";

const MAX_QUANTITY = 99;

/**
 * The catalog and the cart. The cart holds product ids and quantities only: Kassa prices
 * the order (POST /v1/orders) and the order page shows the total it answered.
 */
Component({
  data: {
    items: [] as (CatalogItem & { quantity: number })[],
    cartCount: 0,
    busy: false,
    error: "",
    /** One key per cart: a retry of the same cart after a lost answer cannot order twice. */
    idempotencyKey: "",
  },
  methods: {
    async onLoad() {
      try {
        const query = kassaConfig.app ? `?app=${encodeURIComponent(kassaConfig.app)}` : "";
        const catalog = await call<Catalog>("GET", `/v1/catalog${query}`, {
          session: false,
        });
        this.setData({ items: catalog.items.map((item) => ({ ...item, quantity: 0 })), error: "" });
      } catch (error) {
        this.setData({ error: errorText(error) });
      }
    },
    more(event: WechatMiniprogram.TouchEvent) {
      this.change(String(event.currentTarget.dataset.id), 1);
    },
    less(event: WechatMiniprogram.TouchEvent) {
      this.change(String(event.currentTarget.dataset.id), -1);
    },
    change(productId: string, delta: number) {
      const items = this.data.items.map((item) =>
        item.id === productId
          ? { ...item, quantity: Math.max(0, Math.min(MAX_QUANTITY, item.quantity + delta)) }
          : item,
      );
      const cartCount = items.reduce((count, item) => count + item.quantity, 0);
      this.setData({ items, cartCount, idempotencyKey: "" });
    },
    async checkout() {
      const lines: OrderCreateBody["items"] = this.data.items
        .filter((item) => item.quantity > 0)
        .map((item) => ({ productId: item.id, quantity: item.quantity }));
      if (lines.length === 0) return;
      const idempotencyKey = this.data.idempotencyKey || newIdempotencyKey();
      this.setData({ busy: true, error: "", idempotencyKey });
      try {
        const order = await call<Order>("POST", "/v1/orders", { body: { items: lines }, idempotencyKey });
        this.setData({ items: this.data.items.map((item) => ({ ...item, quantity: 0 })), cartCount: 0 });
        this.setData({ idempotencyKey: "" });
        await wx.navigateTo({ url: `/pages/order/order?id=${order.id}` });
      } catch (error) {
        this.setData({ error: errorText(error) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
