import { createHash } from "node:crypto";
import { type ChainedEntry, canonicalEntry } from "../domain/ledger.ts";

/** An entry's link in its app's chain: sha256 of its canonical form, which names prev_hash. */
export function entryHash(entry: ChainedEntry): string {
  return createHash("sha256").update(canonicalEntry(entry)).digest("hex");
}
