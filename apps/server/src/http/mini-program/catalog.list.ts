import { Type } from "typebox";
import { getCatalog } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { CATALOG_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, errorResponses } from "./route-errors.ts";
import { documented } from "./schemas.ts";

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
    {
      schema: {
        summary: "List the products for sale",
        description:
          "Prices in fen (`priceFen`, what orders are computed in) and yuan (`priceYuan`, for display).",
        tags: ["catalog"],
        security: [],
        response: {
          200: documented(CatalogResponse, "The products, at the server's prices", {
            "the demo shop": CATALOG_EXAMPLE,
          }),
          ...errorResponses(ANY_REQUEST),
        },
      },
    },
    async () => ({
      items: await getCatalog(context.deps),
    }),
  );
}
