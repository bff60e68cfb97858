import { call, cancelOrder, checkAgain, payOrder, yuanOf } from "../../utils/kassa";
import type { BookedOrder, Order, PaymentOutcome, PaymentState, TippedOrder } from "../../utils/kassa-types";
import { errorText, PAYMENT_STATE_TEXT } from "../../utils/page-text";

/**
 * One order: what Kassa says it costs and where it stands, and the one place that pays.
 * `?id=ord_…` names it; `&pay=1` (from the wallet's top-up) starts paying at once.
 */
Component({
  data: {
    order: null as Order | null,
    lines: [] as { productId: string; name: string; quantity: number; unitYuan: string }[],
    payState: "" as PaymentState | "",
    stateText: "",
    canPay: false,
    canPayFromWallet: false,
    ticketCode: "",
    tipMessage: "",
    busy: false,
    error: "",
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const id = query.id ?? "";
      await this.run(async () => this.show(await call<Order>("GET", `/v1/orders/${encodeURIComponent(id)}`)));
      if (query.pay === "1" && this.data.canPay) await this.pay();
    },
    async pay() {
      const order = this.data.order;
      if (!order) return;
      this.setData({ payState: "paying", stateText: PAYMENT_STATE_TEXT.paying });
      await this.run(async () => this.showOutcome(await payOrder(order.id)));
    },
    async checkAgain() {
      const order = this.data.order;
      if (!order) return;
      this.setData({ payState: "paying", stateText: PAYMENT_STATE_TEXT.paying });
      await this.run(async () => this.showOutcome(await checkAgain(order.id)));
    },
    async payFromWallet() {
      const order = this.data.order;
      if (!order) return;
      await this.run(async () =>
        this.show(await call<Order>("POST", `/v1/orders/${order.id}/pay-from-wallet`)),
      );
    },
    async cancel() {
      const order = this.data.order;
      if (!order) return;
      await this.run(async () => this.showOutcome(await cancelOrder(order.id)));
    },
    async showOutcome(outcome: PaymentOutcome) {
      // The state first: a ticket or message that fails to load must not wipe out "paid".
      this.setData({
        payState: outcome.state,
        stateText: PAYMENT_STATE_TEXT[outcome.state],
        error: outcome.error === undefined ? "" : errorText(outcome.error),
      });
      if (outcome.order) await this.show(outcome.order);
    },
    async show(order: Order) {
      const open = order.status === "PENDING";
      this.setData({
        order,
        lines: order.lines.map((line) => ({
          productId: line.productId,
          name: line.name,
          quantity: line.quantity,
          unitYuan: yuanOf(line.unitPriceFen),
        })),
        canPay: open,
        // A top-up is paid with WeChat Pay only (docs/api.md "The wallet").
        canPayFromWallet: open && order.kind !== "top_up",
      });
      if (order.kind === "booking") {
        const booked = await call<BookedOrder>("GET", `/v1/bookings/${order.id}`);
        this.setData({ ticketCode: booked.booking.ticketCode ?? "" });
      }
      if (order.kind === "tip") {
        // The payer's own words: bound as text in the wxml, never as rich text.
        const tipped = await call<TippedOrder>("GET", `/v1/tips/${order.id}`);
        this.setData({ tipMessage: tipped.tip.message ?? "" });
      }
    },
    async run(action: () => Promise<void>) {
      this.setData({ busy: true, error: "" });
      try {
        await action();
      } catch (error) {
        this.setData({ error: errorText(error) });
        if (this.data.payState === "paying") this.setData({ payState: "", stateText: "" });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
