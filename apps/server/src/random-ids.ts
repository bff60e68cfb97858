import { randomBytes } from "node:crypto";
import type { IdSource } from "./domain/ids.ts";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** 130 random bits as 26 base32 characters: ids that cannot be guessed (BOLA defence in depth). */
export const randomIdSource: IdSource = {
  random(): string {
    const bytes = randomBytes(26);
    let out = "";
    for (const byte of bytes) out += ALPHABET[byte & 31];
    return out;
  },
};
