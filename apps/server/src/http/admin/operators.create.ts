import { Type } from "typebox";
import { createOperator } from "../../app/admin/create-operator.ts";
import { KassaError } from "../../domain/errors.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_CHANGE, OperatorRoleSchema, OperatorSchema, viewOperator } from "./schemas.ts";

export const OperatorLogin = Type.String({
  pattern: "^[a-z0-9][a-z0-9._-]{1,63}$",
  description: "Lower-case letters, digits, . _ -",
});

const Body = Type.Object(
  {
    login: OperatorLogin,
    role: OperatorRoleSchema,
    apps: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: 100,
        description: "The apps it sees; every app when left out",
      }),
    ),
    password: Type.Optional(
      Type.String({
        minLength: 12,
        maxLength: 256,
        description: "Left out: Kassa generates one and answers it once",
      }),
    ),
  },
  { additionalProperties: false },
);

/** POST /admin/v1/operators: an admin makes an operator. */
export function registerAdminOperatorsCreate(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/operators",
    {
      config: { permission: "operators.manage" },
      schema: {
        summary: "Make an operator",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        body: Body,
        response: {
          201: Type.Object({
            operator: OperatorSchema,
            password: Type.Optional(Type.String({ description: "Shown once" })),
          }),
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "OPERATOR_LOGIN_TAKEN",
            "APP_NOT_FOUND",
          ]),
        },
      },
    },
    async (request, reply) => {
      const { apps } = request.body;
      for (const appId of apps ?? [])
        if (!context.deps.apps.find(appId)) throw new KassaError("APP_NOT_FOUND", { app: appId });
      // An operator scoped to apps cannot make one who sees more than it does.
      const mine = request.operator.appIds;
      if (mine !== undefined && (apps === undefined || apps.some((appId) => !mine.includes(appId))))
        throw new KassaError("ADMIN_FORBIDDEN", { needs: "to see every app it is given" });
      const made = await createOperator(
        context.deps,
        {
          login: request.body.login,
          role: request.body.role,
          appIds: apps,
          ...(request.body.password !== undefined ? { password: request.body.password } : {}),
        },
        { operator: request.operator, address: request.ip },
      );
      return reply.status(201).send({
        operator: viewOperator(made.operator),
        ...(made.password !== undefined ? { password: made.password } : {}),
      });
    },
  );
}
