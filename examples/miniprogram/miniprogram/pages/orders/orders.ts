import { call } from "../../utils/kassa";
import type { Order, Page } from "../../utils/kassa-types";
import { errorText, localTime } from "../../utils/page-text";

const PAGE_SIZE = 10;

/** Your orders, newest first, a page at a time (GET /v1/orders, `nextCursor` sent back as is). */
Component({
  data: {
    orders: [] as {
      id: string;
      description: string;
      amountYuan: string;
      status: string;
      createdAt: string;
    }[],
    nextCursor: null as string | null,
    loaded: false,
    busy: false,
    error: "",
  },
  methods: {
    async onLoad() {
      this.setData({ orders: [], nextCursor: null });
      await this.load(null);
    },
    async onShow() {
      // Back from an order page: its state may have changed.
      if (this.data.loaded) await this.onLoad();
    },
    async more() {
      await this.load(this.data.nextCursor);
    },
    async load(cursor: string | null) {
      this.setData({ busy: true, error: "" });
      try {
        const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page = await call<Page<Order>>("GET", `/v1/orders?limit=${PAGE_SIZE}${query}`);
        const rows = page.data.map((order) => ({
          id: order.id,
          description: order.description,
          amountYuan: order.amountYuan,
          status: order.status,
          createdAt: localTime(order.createdAt),
        }));
        this.setData({ orders: [...this.data.orders, ...rows], nextCursor: page.nextCursor, loaded: true });
      } catch (error) {
        this.setData({ error: errorText(error) });
      } finally {
        this.setData({ busy: false });
      }
    },
    open(event: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/order/order?id=${String(event.currentTarget.dataset.id)}` });
    },
  },
});
