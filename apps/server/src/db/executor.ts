import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** A connection or a transaction: repositories run on either (a Transaction is a Kysely). */
export type Executor = Kysely<Database>;
