import { call, fenOf, newIdempotencyKey, yuanOf } from "../../utils/kassa";
import type { Page, TipCreateBody, TippedOrder, TipRecipient } from "../../utils/kassa-types";
import { errorText } from "../../utils/page-text";

/**
 * Tipping (打赏, docs/scenarios.md): the payer names the amount, a preset or their own;
 * Kassa checks it against the recipient's rules and daily cap. The message is plain text.
 */
Component({
  data: {
    recipients: [] as {
      id: string;
      name: string;
      minYuan: string;
      maxYuan: string;
      leftTodayYuan: string;
      presets: { fen: number; yuan: string }[];
    }[],
    amounts: {} as Record<string, string>,
    messages: {} as Record<string, string>,
    loaded: false,
    busy: false,
    error: "",
  },
  methods: {
    async onLoad() {
      try {
        const page = await call<Page<TipRecipient>>("GET", "/v1/tip-recipients?limit=20");
        this.setData({
          recipients: page.data.map((recipient) => ({
            id: recipient.id,
            name: recipient.name,
            minYuan: yuanOf(recipient.minFen),
            maxYuan: yuanOf(recipient.maxFen),
            leftTodayYuan: yuanOf(recipient.leftTodayFen),
            presets: recipient.presetAmountsFen.map((fen) => ({ fen, yuan: yuanOf(fen) })),
          })),
          loaded: true,
          error: "",
        });
      } catch (error) {
        this.setData({ error: errorText(error) });
      }
    },
    pickPreset(event: WechatMiniprogram.TouchEvent) {
      const { id, yuan } = event.currentTarget.dataset as { id: string; yuan: string };
      this.setData({ amounts: { ...this.data.amounts, [id]: yuan } });
    },
    typeAmount(event: WechatMiniprogram.Input) {
      const id = String(event.currentTarget.dataset.id);
      this.setData({ amounts: { ...this.data.amounts, [id]: event.detail.value } });
    },
    typeMessage(event: WechatMiniprogram.Input) {
      const id = String(event.currentTarget.dataset.id);
      this.setData({ messages: { ...this.data.messages, [id]: event.detail.value } });
    },
    async tip(event: WechatMiniprogram.TouchEvent) {
      const recipientId = String(event.currentTarget.dataset.id);
      const amountFen = fenOf(this.data.amounts[recipientId] ?? "");
      if (amountFen === null) {
        this.setData({ error: "Enter an amount in yuan, e.g. 6.66." });
        return;
      }
      const message = (this.data.messages[recipientId] ?? "").trim();
      const body: TipCreateBody = { recipientId, amountFen, ...(message ? { message } : {}) };
      this.setData({ busy: true, error: "" });
      try {
        const order = await call<TippedOrder>("POST", "/v1/tips", {
          body,
          idempotencyKey: newIdempotencyKey(),
        });
        await wx.navigateTo({ url: `/pages/order/order?id=${order.id}` });
      } catch (error) {
        this.setData({ error: errorText(error) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
