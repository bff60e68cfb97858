import { Type } from "typebox";
import { getCatalog } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";

export const CatalogResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      priceFen: Type.Integer(),
      priceYuan: Type.String(),
      inStock: Type.Boolean(),
    }),
  ),
});

/** GET /v1/catalog: what can be bought, at the server's prices. */
export function registerCatalogList(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/catalog",
    { schema: { summary: "List the products for sale", security: [], response: { 200: CatalogResponse } } },
    async () => ({
      items: await getCatalog(context.deps),
    }),
  );
}
