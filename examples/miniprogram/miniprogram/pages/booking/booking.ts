import { call, newIdempotencyKey } from "../../utils/kassa";
import type { BookedOrder, BookingCreateBody, Page, Slot } from "../../utils/kassa-types";
import { errorText } from "../../utils/page-text";

interface SlotRow {
  id: string;
  date: string;
  time: string;
  priceYuan: string;
  seatsLeft: number;
  seats: number;
}

/**
 * The booking calendar (服务预订, docs/scenarios.md): the open slots by day, in the slot's own
 * time zone (`start` is its wall-clock time); Kassa prices the seats and holds them.
 */
Component({
  data: {
    all: [] as SlotRow[],
    days: [] as { date: string; label: string }[],
    selectedDate: "",
    slots: [] as SlotRow[],
    loaded: false,
    busy: false,
    error: "",
  },
  methods: {
    async onLoad() {
      try {
        const page = await call<Page<Slot>>("GET", "/v1/booking-slots?limit=50");
        const all = page.data.map((slot) => ({
          id: slot.id,
          date: slot.start.slice(0, 10),
          time: `${slot.start.slice(11, 16)}–${slot.end.slice(11, 16)} (${slot.timeZone})`,
          priceYuan: slot.priceYuan,
          seatsLeft: slot.seatsLeft,
          seats: 1,
        }));
        const dates = [...new Set(all.map((slot) => slot.date))];
        this.setData({
          all,
          days: dates.map((date) => ({ date, label: date.slice(5) })),
          loaded: true,
          error: "",
        });
        this.show(dates[0] ?? "");
      } catch (error) {
        this.setData({ error: errorText(error) });
      }
    },
    pickDay(event: WechatMiniprogram.TouchEvent) {
      this.show(String(event.currentTarget.dataset.date));
    },
    show(date: string) {
      this.setData({ selectedDate: date, slots: this.data.all.filter((slot) => slot.date === date) });
    },
    more(event: WechatMiniprogram.TouchEvent) {
      this.changeSeats(String(event.currentTarget.dataset.id), 1);
    },
    fewer(event: WechatMiniprogram.TouchEvent) {
      this.changeSeats(String(event.currentTarget.dataset.id), -1);
    },
    changeSeats(slotId: string, delta: number) {
      const all = this.data.all.map((slot) =>
        slot.id === slotId
          ? { ...slot, seats: Math.max(1, Math.min(Math.max(1, slot.seatsLeft), slot.seats + delta)) }
          : slot,
      );
      this.setData({ all });
      this.show(this.data.selectedDate);
    },
    async book(event: WechatMiniprogram.TouchEvent) {
      const slot = this.data.all.find((row) => row.id === String(event.currentTarget.dataset.id));
      if (!slot) return;
      const body: BookingCreateBody = { slotId: slot.id, seats: slot.seats };
      this.setData({ busy: true, error: "" });
      try {
        const order = await call<BookedOrder>("POST", "/v1/bookings", {
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
