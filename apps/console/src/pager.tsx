import { Button, Space } from "antd";
import { useI18n } from "./i18n.tsx";

/** A page of a list as the admin API answers it: its rows, and the cursor of the next page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * First page / next page under a table paged on the server: `cursor` is the page shown (none:
 * the first), `next` the server's nextCursor; `onPage(undefined)` goes back to the first.
 */
export function Pager({
  cursor,
  next,
  onPage,
}: {
  cursor: string | null | undefined;
  next: string | null | undefined;
  onPage: (cursor?: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Space className="orders-pager">
      <Button disabled={!cursor} onClick={() => onPage(undefined)} data-testid="first-page">
        {t("orders.first")}
      </Button>
      <Button disabled={!next} onClick={() => onPage(next ?? undefined)} data-testid="next-page">
        {t("orders.next")}
      </Button>
    </Space>
  );
}
