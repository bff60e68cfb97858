import type { KeyObject } from "node:crypto";
import { Formatter, Rsa } from "wechatpay-axios-plugin";
import type { NodeV3Peer } from "./peers.ts";
import type { PaySignParams } from "./plain.ts";

/** §7.1 paySign, each peer its own way. */

/** What wechatpay-node-v3's transactions_jsapi does after the prepay answer (dist/index.js). */
export function nodeV3PaySign(peer: NodeV3Peer, appId: string, prepayId: string): PaySignParams {
  const data = {
    appId,
    // biome-ignore lint/complexity/useDateNow: wechatpay-node-v3's own expression, kept as it is
    timeStamp: Number.parseInt(`${+new Date() / 1000}`, 10).toString(),
    nonceStr: Math.random().toString(36).slice(2, 17), // its code: .substr(2, 15)
    package: `prepay_id=${prepayId}`,
    signType: "RSA",
    paySign: "",
  };
  data.paySign = peer.sign([data.appId, data.timeStamp, data.nonceStr, data.package, ""].join("\n"));
  return data;
}

/** The wechatpay-axios-plugin README, "APIv3数据签名 JSAPI". */
export function axiosPaySign(appId: string, prepayId: string, privateKey: KeyObject): PaySignParams {
  const params = {
    appId,
    timeStamp: `${Formatter.timestamp()}`,
    nonceStr: Formatter.nonce(),
    package: `prepay_id=${prepayId}`,
    signType: "RSA",
  };
  const paySign = Rsa.sign(
    Formatter.joinedByLineFeed(params.appId, params.timeStamp, params.nonceStr, params.package),
    privateKey,
  );
  return { ...params, paySign };
}
