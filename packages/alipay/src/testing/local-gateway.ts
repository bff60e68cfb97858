import type { KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signedGatewayResponse, verifyRequestSignature } from "../gateway.ts";
import { requestSigningString } from "../sign.ts";

/**
 * A tiny local stand-in for the v2 gateway (reference A.3) for tests: it merges the query
 * string and the form body, checks the request's `sign` under the app public key and, when it
 * fails, answers `40002 isv.invalid-signature` with its own string to sign in `sub_msg`, as
 * Alipay does (A.3, A.8 item 1). Otherwise the test's `answer` decides what goes back.
 */

export interface GatewayRequest {
  method: string;
  /** Every parameter, query and body merged. */
  params: Record<string, string>;
  /** The parameters that came in the query string. */
  queryKeys: string[];
  biz: Record<string, unknown> | undefined;
}

export interface GatewayAnswer {
  /** The whole HTTP body. */
  body: string;
  status?: number;
  delayMs?: number;
}

export interface LocalGateway {
  url: string;
  requests: GatewayRequest[];
  close(): Promise<void>;
}

export async function startLocalGateway(options: {
  appPublicKey: KeyObject;
  alipayPrivateKey: KeyObject;
  answer: (request: GatewayRequest) => GatewayAnswer | string;
}): Promise<LocalGateway> {
  const requests: GatewayRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing);
  });
  async function handle(incoming: IncomingMessage, outgoing: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const query = new URL(incoming.url ?? "/", "http://localhost").searchParams;
    const params: Record<string, string> = Object.fromEntries(query);
    for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString("utf8")))
      params[key] = value;
    const method = params.method ?? "";
    const request: GatewayRequest = {
      method,
      params,
      queryKeys: [...query.keys()],
      biz: params.biz_content ? (JSON.parse(params.biz_content) as Record<string, unknown>) : undefined,
    };
    requests.push(request);
    let answer: GatewayAnswer;
    if (!verifyRequestSignature(params, options.appPublicKey)) {
      const expected = requestSigningString(params);
      const body = JSON.stringify({
        code: "40002",
        msg: "Invalid Arguments",
        sub_code: "isv.invalid-signature",
        sub_msg: `验签出错，网关生成的验签字符串为：${expected}`,
      });
      answer = { body: signedGatewayResponse(method, body, options.alipayPrivateKey) };
    } else {
      const given = options.answer(request);
      answer = typeof given === "string" ? { body: given } : given;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    outgoing.writeHead(answer.status ?? 200, { "content-type": "text/html;charset=utf-8" });
    outgoing.end(answer.body);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/gateway.do`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
