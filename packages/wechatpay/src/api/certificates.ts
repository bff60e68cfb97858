import type { CertificatesResponse } from "../keyring.ts";
import type { ApiCall } from "../requester.ts";
import type { HttpResponse } from "../transport.ts";

/** The one requester method the download needs: a signed call answered raw. */
export interface UnverifiedRequester {
  callUnverified(call: ApiCall): Promise<HttpResponse>;
}

/**
 * §3.4 `GET /v3/certificates`, answered raw for `WechatPayKeyring`: the keyring decrypts
 * the certificates with the APIv3 key and then verifies this very answer with them, so the
 * transport must not verify it first (it could not, before the first download). The
 * `?algorithm_type=RSA` that Java adds is optional (§3.4); the documented path is bare (§2).
 */
export async function downloadCertificates(requester: UnverifiedRequester): Promise<CertificatesResponse> {
  const response = await requester.callUnverified({
    method: "GET",
    path: "/v3/certificates",
    kind: "read",
    operation: "certificates.download",
  });
  return { headers: response.headers, body: response.body.toString("utf8") };
}
