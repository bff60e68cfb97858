import { call, fenOf, newIdempotencyKey, yuanOf } from "../../utils/kassa";
import type { Order, Page, TopUpBody, Wallet, WalletHistoryItem, WalletTiers } from "../../utils/kassa-types";
import { errorText } from "../../utils/page-text";

/**
 * The wallet (会员充值, docs/wallet.md): the balance and what moved it, from Kassa's ledger;
 * a top-up is an order Kassa prices from the tier or the amount, paid on the order page.
 */
Component({
  data: {
    balanceYuan: "",
    tiers: [] as { id: string; amountYuan: string; creditYuan: string; bonusFen: number }[],
    minYuan: "",
    maxYuan: "",
    customAmount: "",
    history: [] as { key: string; description: string; yuan: string; credit: boolean }[],
    historyCursor: null as string | null,
    busy: false,
    error: "",
  },
  methods: {
    async onLoad() {
      await this.run(async () => {
        const [wallet, tiers] = await Promise.all([
          call<Wallet>("GET", "/v1/wallet"),
          call<WalletTiers>("GET", "/v1/wallet/tiers"),
        ]);
        this.setData({
          balanceYuan: wallet.balanceYuan,
          tiers: tiers.data.map((tier) => ({
            id: tier.id,
            amountYuan: yuanOf(tier.amountFen),
            creditYuan: yuanOf(tier.creditFen),
            bonusFen: tier.bonusFen,
          })),
          minYuan: yuanOf(tiers.customAmount.minFen),
          maxYuan: yuanOf(tiers.customAmount.maxFen),
          history: [],
          historyCursor: null,
        });
        await this.loadHistory(null);
      });
    },
    async onShow() {
      if (this.data.balanceYuan) await this.onLoad();
    },
    async moreHistory() {
      await this.run(() => this.loadHistory(this.data.historyCursor));
    },
    async loadHistory(cursor: string | null) {
      const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await call<Page<WalletHistoryItem>>("GET", `/v1/wallet/history?limit=10${query}`);
      const rows = page.data.map((item, index) => ({
        key: `${item.postedAt}-${this.data.history.length + index}`,
        description: item.description,
        // Kassa's own yuan, its sign shown as + or − by the page.
        yuan: item.amountYuan.replace(/^-/, ""),
        credit: item.amountFen > 0,
      }));
      this.setData({ history: [...this.data.history, ...rows], historyCursor: page.nextCursor });
    },
    typeAmount(event: WechatMiniprogram.Input) {
      this.setData({ customAmount: event.detail.value });
    },
    async topUpTier(event: WechatMiniprogram.TouchEvent) {
      await this.topUp({ tierId: String(event.currentTarget.dataset.id) });
    },
    async topUpCustom() {
      const amountFen = fenOf(this.data.customAmount);
      if (amountFen === null) {
        this.setData({ error: "Enter an amount in yuan, e.g. 50 or 50.00." });
        return;
      }
      await this.topUp({ amountFen });
    },
    async topUp(body: TopUpBody) {
      await this.run(async () => {
        const order = await call<Order>("POST", "/v1/wallet/top-ups", {
          body,
          idempotencyKey: newIdempotencyKey(),
        });
        await wx.navigateTo({ url: `/pages/order/order?id=${order.id}&pay=1` });
      });
    },
    async run(action: () => Promise<void>) {
      this.setData({ busy: true, error: "" });
      try {
        await action();
      } catch (error) {
        this.setData({ error: errorText(error) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
