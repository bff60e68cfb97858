import { Alert, Button, Card, Select, Space, Table, Tag } from "antd";
import { Link, useSearchParams } from "react-router";
import { queryOf } from "../api.ts";
import { timeOf, yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { type Page, Pager } from "../pager.tsx";
import { useApi } from "../use-api.ts";

interface Service {
  id: string;
  name: string;
}
interface Slot {
  id: string;
  start: string;
  end: string;
  capacity: number;
  seatsTaken: number;
  seatsLeft: number;
  priceFen: number;
  status: string;
}
interface Booking {
  orderId: string;
  userId: string;
  seats: number;
  unitPriceFen: number;
  status: string;
  checkedInAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
}

/**
 * Bookings (issue 12): a service's slots with their seats, and a slot's bookings with their
 * check-ins. The service, the slot and the page live in the URL (?service=&slot=&cursor=), so
 * a link shows the same view. Reading only: slots change through the merchant API.
 */
export function BookingsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const services = useApi<Page<Service>>(`/booking-services${queryOf({ limit: 100 })}`);
  const serviceId = params.get("service") ?? services.data?.data[0]?.id;
  const slotId = params.get("slot");
  const cursor = params.get("cursor");
  return (
    <Space direction="vertical" size="middle" className="full-width">
      <Card
        title={t("bookings.title")}
        extra={
          <Select
            className="bookings-service"
            value={serviceId ?? null}
            placeholder={t("bookings.service")}
            options={(services.data?.data ?? []).map((service) => ({
              value: service.id,
              label: service.name,
            }))}
            onChange={(value: string) => setParams({ service: value })}
            data-testid="bookings-service"
          />
        }
      >
        {services.error ? <Alert type="error" showIcon message={services.error.message} /> : null}
        {serviceId ? (
          <SlotsTable
            serviceId={serviceId}
            cursor={cursor}
            selected={slotId}
            onPage={(next) => setParams({ service: serviceId, ...(next ? { cursor: next } : {}) })}
            onSelect={(slot) => setParams({ service: serviceId, ...(cursor ? { cursor } : {}), slot })}
          />
        ) : (
          <Alert type="info" showIcon message={t("bookings.noServices")} />
        )}
      </Card>
      {slotId ? <SlotBookings slotId={slotId} /> : null}
    </Space>
  );
}

function SlotsTable(props: {
  serviceId: string;
  cursor: string | null;
  selected: string | null;
  onPage: (cursor: string | null) => void;
  onSelect: (slotId: string) => void;
}) {
  const { t } = useI18n();
  const { data, error, loading } = useApi<Page<Slot>>(
    `/booking-services/${encodeURIComponent(props.serviceId)}/slots${queryOf({ cursor: props.cursor, limit: 20 })}`,
  );
  return (
    <>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<Slot>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("bookings.noSlots") }}
        rowClassName={(slot) => (slot.id === props.selected ? "ant-table-row-selected" : "")}
        data-testid="slots-table"
        columns={[
          {
            title: t("bookings.start"),
            dataIndex: "start",
            render: (start: string, slot) => (
              <Button type="link" onClick={() => props.onSelect(slot.id)} data-testid="slot-link">
                {start.replace("T", " ")}
              </Button>
            ),
          },
          { title: t("bookings.end"), dataIndex: "end", render: (end: string) => end.replace("T", " ") },
          {
            title: t("bookings.seats"),
            key: "seats",
            align: "right",
            render: (_: unknown, slot) =>
              t("bookings.seatsOf", { taken: slot.seatsTaken, capacity: slot.capacity }),
          },
          { title: t("bookings.seatsLeft"), dataIndex: "seatsLeft", align: "right" },
          { title: t("bookings.price"), dataIndex: "priceFen", align: "right", render: yuanOf },
          {
            title: t("bookings.status"),
            dataIndex: "status",
            render: (status: string) => <Tag>{status}</Tag>,
          },
        ]}
      />
      <Pager cursor={props.cursor} next={data?.nextCursor} onPage={(next) => props.onPage(next ?? null)} />
    </>
  );
}

function SlotBookings({ slotId }: { slotId: string }) {
  const { t } = useI18n();
  const { data, error, loading } = useApi<Page<Booking>>(
    `/booking-slots/${encodeURIComponent(slotId)}/bookings${queryOf({ limit: 100 })}`,
  );
  return (
    <Card title={t("bookings.ofSlot")}>
      {error ? <Alert type="error" showIcon message={error.message} /> : null}
      <Table<Booking>
        rowKey="orderId"
        loading={loading}
        pagination={false}
        dataSource={data?.data ?? []}
        locale={{ emptyText: t("bookings.noBookings") }}
        data-testid="slot-bookings"
        columns={[
          {
            title: t("refunds.order"),
            dataIndex: "orderId",
            render: (id: string) => <Link to={`/orders/${encodeURIComponent(id)}`}>{id}</Link>,
          },
          { title: t("wallets.userId"), dataIndex: "userId" },
          { title: t("bookings.seats"), dataIndex: "seats", align: "right" },
          { title: t("bookings.price"), dataIndex: "unitPriceFen", align: "right", render: yuanOf },
          {
            title: t("bookings.status"),
            dataIndex: "status",
            render: (status: string) => <Tag>{status}</Tag>,
          },
          {
            title: t("bookings.checkedIn"),
            dataIndex: "checkedInAt",
            render: (at: string | null) => (at ? <Tag color="green">{timeOf(at)}</Tag> : "—"),
          },
          { title: t("bookings.createdAt"), dataIndex: "createdAt", render: timeOf },
        ]}
      />
      {data?.nextCursor ? <Alert type="info" showIcon message={t("bookings.more")} /> : null}
    </Card>
  );
}
