import { type Zippable, zipSync } from "fflate";

/**
 * The bill download's zip (A.5: "a zip of CSV files"), written by fflate, deflated, with
 * UTF-8 names so 业务明细 survives any unzip. Kassa reads it with fflate too.
 */

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Epoch ms: the entry's modification time (written in the process's time zone, as zip tools do). */
  modifiedAt: number;
}

export function zip(entries: ZipEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries)
    files[entry.name] = [new Uint8Array(entry.data), { mtime: new Date(entry.modifiedAt) }];
  return Buffer.from(zipSync(files, { level: 6 }));
}
