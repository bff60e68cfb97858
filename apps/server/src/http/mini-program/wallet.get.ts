import { Type } from "typebox";
import { walletOf } from "../../app/wallet-reads.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ANY_REQUEST, errorResponses, SESSION } from "./route-errors.ts";
import { documented } from "./schemas.ts";

export const WalletResponse = Type.Object({
  balanceFen: Type.Integer({ description: "What you can spend, in fen; 0 before your first top-up" }),
  balanceYuan: Type.String({ description: "The same in yuan, for display" }),
});

/** GET /v1/wallet: the caller's balance, as the ledger holds it. */
export function registerWalletGet(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/wallet",
    {
      schema: {
        summary: "Read your wallet's balance",
        tags: ["wallet"],
        response: {
          200: documented(WalletResponse, "Your balance now", {
            "after a top-up": { balanceFen: 11000, balanceYuan: "110.00" },
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION]),
        },
      },
    },
    async (request) => walletOf(context.deps, { appId: request.appId, userId: request.userId }),
  );
}
