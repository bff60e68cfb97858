import { takeBillDownload } from "../bills/bill-downloads.ts";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";

/**
 * §5.7 "Download": `GET /v3/billdownload/file?token=...`, a request signed like any other
 * (§2, the path and `?token=` exactly as given), answered with the raw file, NOT signed
 * (§3.3): its integrity is the `hash_value` of the signed application.
 */
export const billDownloadEndpoint: MerchantEndpoint = {
  name: "bill.download",
  method: "GET",
  url: "/v3/billdownload/file",
  async handle({ ctx, merchant, query }) {
    const download = takeBillDownload(ctx, merchant.mchid, query.token);
    return {
      status: 200,
      file: Buffer.from(download.dataBase64, "base64"),
      contentType: download.gzip ? "application/gzip" : "text/plain; charset=utf-8",
    };
  },
};
