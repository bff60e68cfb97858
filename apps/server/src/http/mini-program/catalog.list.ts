import { Type } from "typebox";
import { getCatalog } from "../../app/read-orders.ts";
import { APP_ID_PATTERN } from "../../domain/ids.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { CATALOG_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, errorResponses } from "./route-errors.ts";
import { documented } from "./schemas.ts";

export const CatalogQuery = Type.Object(
  {
    app: Type.Optional(
      Type.String({
        pattern: APP_ID_PATTERN,
        description: "Kassa's id of the mini program whose catalog to list; the default app when left out",
      }),
    ),
  },
  { additionalProperties: false },
);

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
        querystring: CatalogQuery,
        response: {
          200: documented(CatalogResponse, "The products, at the server's prices", {
            "the demo shop": CATALOG_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, "APP_NOT_FOUND"]),
        },
      },
    },
    async (request) => ({
      items: await getCatalog(context.deps, request.query.app),
    }),
  );
}
