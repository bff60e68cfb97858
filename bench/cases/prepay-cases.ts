import type WxPay from "wechatpay-node-v3";
import { checkPaySign, expect, refuses } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { PREPAY_PATH, prepayRequest } from "../lib/messages.ts";
import { axiosPaySign } from "../lib/peer-pay-sign.ts";
import { type PaySignParams, plainAuthorization, plainPaySign, plainVerify } from "../lib/plain.ts";

/**
 * §5.1 + §7.1, a whole prepay call over an in-process transport (perf-baselines.md §3 E):
 * sign the request, get an answer from the pool of pre-signed `{prepay_id}` answers (the
 * same pool for everyone), verify it where the implementation does, parse it, sign
 * `wx.requestPayment`.
 */

type Outcome = { requestPayment: PaySignParams };

/** The part of wxpay's dynamic chain used here (its typings make `data` the body's type). */
interface AxiosChainRoot {
  v3: {
    pay: { transactions: { jsapi: { post(data: unknown, config: object): Promise<{ data: unknown }> } } };
  };
}

/** The request config axios hands an adapter, after its interceptors ran. */
interface AxiosAdapterConfig {
  method: string;
  url: string;
  baseURL: string;
  data: string;
  headers: { get(name: string): unknown };
}

export function prepayCases(context: BenchContext): BenchCase[] {
  const { world, plain, kassa, server, axios, findings } = context;
  const appId = world.appid;
  const request = prepayRequest();
  const kassaBody = { ...request, appid: world.appid, mchid: world.mchid };

  // The three RSA operations with the callback form of crypto.sign (the concurrent rows).
  const plainPrepayInPool = async (): Promise<Outcome> => {
    const body = JSON.stringify(kassaBody);
    const authorization = await plainAuthorization(plain.signer, body, true);
    const answer = server.answer("prepay.plain-x8", {
      method: "POST",
      url: PREPAY_PATH,
      body,
      authorization,
    });
    if (!plainVerify(answer, plain.publicKey)) throw new Error("the answer's signature does not verify");
    const prepayId = (JSON.parse(answer.body) as { prepay_id: string }).prepay_id;
    return { requestPayment: await plainPaySign(appId, prepayId, plain.privateKey, true) };
  };
  const kassaPrepay = (): Promise<Outcome> => kassa.client.jsapi.prepayWithRequestPayment(request);
  const kassaInlinePrepay = (): Promise<Outcome> =>
    kassa.inlineClient.jsapi.prepayWithRequestPayment(request);
  const nodeV3Params = prepayRequest() as unknown as Parameters<WxPay["transactions_jsapi"]>[0];
  const nodeV3Prepay = async (): Promise<Outcome> => {
    const result = await context.nodeV3.pay.transactions_jsapi(nodeV3Params);
    if (result.status !== 200) throw new Error(`node-v3 answered ${result.status}`);
    return { requestPayment: result.data as PaySignParams };
  };
  const adapter = async (config: AxiosAdapterConfig) => {
    const answer = server.answer("prepay.axios", {
      method: config.method.toUpperCase(),
      url: () => new URL(config.url, config.baseURL).href,
      body: config.data,
      authorization: config.headers.get("Authorization"),
    });
    // What axios' http adapter hands on: the raw body text and Node's lower-cased headers.
    return {
      data: answer.body,
      status: 200,
      statusText: "OK",
      headers: answer.nodeHeaders,
      config,
      request: {},
    };
  };
  const wxpay = axios.wxpay as unknown as AxiosChainRoot;
  const axiosPrepay = async (): Promise<Outcome> => {
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(kassaBody, { adapter });
    const prepayId = (data as { prepay_id: string }).prepay_id;
    return { requestPayment: axiosPaySign(appId, prepayId, axios.paySignKey) };
  };

  type Row = {
    suffix: string;
    implementation: string;
    role: BenchCase["role"];
    run: () => Outcome | Promise<Outcome>;
    inFlight?: number;
    baselineId?: string;
    alsoAgainst?: readonly string[];
  };
  const rows: Row[] = [
    {
      suffix: "plain",
      implementation: "plain node:crypto: sign + verify answer + paySign (3 RSA ops, sync crypto.sign)",
      role: "plain",
      run: plainPrepay(context, kassaBody),
    },
    {
      suffix: "kassa-inline",
      implementation: 'Kassa client.jsapi.prepayWithRequestPayment, signing: "inline", 1 in flight',
      role: "kassa",
      run: kassaInlinePrepay,
    },
    {
      suffix: "plain-callback",
      implementation: "plain node:crypto, callback crypto.sign (thread pool), 1 in flight",
      role: "plain",
      run: plainPrepayInPool,
    },
    {
      suffix: "kassa",
      implementation:
        'Kassa client.jsapi.prepayWithRequestPayment, signing: "thread-pool" (default), 1 in flight',
      role: "kassa",
      run: kassaPrepay,
      baselineId: "prepay.plain-callback",
      alsoAgainst: ["prepay.plain"],
    },
    {
      suffix: "node-v3",
      implementation: "wechatpay-node-v3 transactions_jsapi via createHttp (answer NOT verified)",
      role: "peer",
      run: nodeV3Prepay,
    },
    {
      suffix: "axios",
      implementation: "wechatpay-axios-plugin v3.pay.transactions.jsapi.post via adapter + README paySign",
      role: "peer",
      run: axiosPrepay,
    },
    {
      suffix: "plain-x8",
      implementation: "plain node:crypto, callback crypto.sign, 8 in flight (2 cores)",
      role: "plain",
      run: plainPrepayInPool,
      inFlight: 8,
    },
    {
      suffix: "kassa-x8",
      implementation:
        'Kassa prepayWithRequestPayment, signing: "thread-pool" (default), 8 in flight (2 cores)',
      role: "kassa",
      run: kassaPrepay,
      inFlight: 8,
      baselineId: "prepay.plain-x8",
    },
  ];
  return rows.map((row) => {
    const id = `prepay.${row.suffix}`;
    return {
      id,
      operation: "5. Whole prepay call + paySign, in-process transport",
      implementation: row.implementation,
      role: row.role,
      baselineId: row.baselineId ?? "prepay.plain",
      // The plain row awaits nothing: a synchronous loop, like the other plain rows.
      mode: row.suffix === "plain" ? "sync" : "async",
      ...(row.inFlight ? { inFlight: row.inFlight } : {}),
      ...(row.alsoAgainst ? { alsoAgainst: row.alsoAgainst } : {}),
      run: row.run,
      check: () => checkPrepay(context, id, row.run, row.suffix === "node-v3" ? findings : undefined),
    };
  });
}

/** Three RSA operations and nothing else: sign the request, verify the answer, sign paySign. */
function plainPrepay(context: BenchContext, kassaBody: object): () => Outcome {
  const { plain, server, world } = context;
  return () => {
    const body = JSON.stringify(kassaBody);
    const authorization = plainAuthorization(plain.signer, body);
    const answer = server.answer("prepay.plain", { method: "POST", url: PREPAY_PATH, body, authorization });
    if (!plainVerify(answer, plain.publicKey)) throw new Error("the answer's signature does not verify");
    const prepayId = (JSON.parse(answer.body) as { prepay_id: string }).prepay_id;
    return { requestPayment: plainPaySign(world.appid, prepayId, plain.privateKey) };
  };
}

/**
 * The server checks the request's Authorization by hand, the paySign must verify for the
 * prepay_id served; then an answer altered after signing must be refused. A peer known
 * not to verify answers is reported in `findings` instead of failing the run.
 */
async function checkPrepay(
  context: BenchContext,
  id: string,
  run: () => Outcome | Promise<Outcome>,
  findingsIfAccepted: string[] | undefined,
): Promise<void> {
  const { server, world } = context;
  try {
    server.checkRequests = true;
    const outcome = await run();
    const expected = { appId: world.appid, prepayId: server.lastPrepayId() };
    checkPaySign(id, outcome.requestPayment, expected, world.merchant.publicKey);
    server.tamperAnswers = true;
    const refused = await refuses(run);
    if (findingsIfAccepted && !refused) {
      findingsIfAccepted.push(
        `${id}: signed wx.requestPayment for an answer altered after signing (no verification).`,
      );
    } else {
      expect(refused, id, "accepted a prepay answer altered after signing");
    }
  } finally {
    server.checkRequests = false;
    server.tamperAnswers = false;
  }
}
