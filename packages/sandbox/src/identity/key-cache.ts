import type { KeyObject } from "node:crypto";
import { loadPrivateKey, loadPublicKey } from "@kassa/wechatpay";

/**
 * PEMs parsed once into KeyObjects (design.md convention 14: a PEM parsed per signature
 * costs 3-7x). Keyed by the PEM itself: a rotated key is a new PEM, so nothing goes stale.
 */
export class KeyCache {
  readonly #keys = new Map<string, KeyObject>();

  privateKey(pem: string): KeyObject {
    return this.#get(pem, () => loadPrivateKey(pem));
  }

  /** An SPKI public key or the public key of a certificate. */
  publicKey(pem: string): KeyObject {
    return this.#get(pem, () => loadPublicKey(pem));
  }

  #get(pem: string, load: () => KeyObject): KeyObject {
    let key = this.#keys.get(pem);
    if (!key) {
      key = load();
      this.#keys.set(pem, key);
    }
    return key;
  }
}
