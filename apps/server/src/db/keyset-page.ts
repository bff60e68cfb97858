import { type SelectQueryBuilder, type StringReference, sql } from "kysely";

/**
 * Where a page starts: after the row with this sort value (a creation time, a slot's start)
 * and id. The id breaks ties between rows of the same sort value, so a page never repeats or
 * skips a row however many share it (keyset paging: no OFFSET, no drift under inserts).
 */
export interface PagePosition {
  createdAt: number;
  id: string;
}

/**
 * The one keyset-paging rule of every list: order by (sort, id), ascending or newest first,
 * and start strictly past `after`. A row-value comparison `(sort, id) > (?, ?)`, which both
 * PostgreSQL and SQLite (since 3.15) evaluate, and which uses an index on (sort, id).
 */
export function pageAfter<DB, TB extends keyof DB, O>(
  rows: SelectQueryBuilder<DB, TB, O>,
  order: {
    sort: StringReference<DB, TB> & string;
    id: StringReference<DB, TB> & string;
    newestFirst?: boolean;
  },
  after: PagePosition | undefined,
): SelectQueryBuilder<DB, TB, O> {
  const direction = order.newestFirst ? "desc" : "asc";
  const past = sql.raw(order.newestFirst ? "<" : ">");
  const keys = sql`(${sql.ref(order.sort)}, ${sql.ref(order.id)})`;
  const filtered = after ? rows.where(sql<boolean>`${keys} ${past} (${after.createdAt}, ${after.id})`) : rows;
  return filtered.orderBy(sql.ref(order.sort), direction).orderBy(sql.ref(order.id), direction);
}
