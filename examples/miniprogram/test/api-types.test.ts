import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { KassaUnderTest } from "../../../apps/server/test/kassa-harness.ts";
import { SOURCE } from "./build-mini-program.ts";
import { type JsonSchema, mismatches, type Shape, shapeOfSchema, shapeOfType } from "./type-shapes.ts";

/**
 * The mini program's hand-written types of Kassa's API (miniprogram/utils/kassa-types.ts)
 * against the OpenAPI document Kassa serves at /docs/json, which @fastify/swagger makes from
 * the routes' own TypeBox schemas (apps/server/src/http/api-docs.ts). The types are kept by
 * hand, as a subset (a mini program declares what it reads), and this test is what keeps them
 * honest: every field they name must be in the schema, of the same kind, as optional or
 * nullable as Kassa says, with the same set of literal values; a request body may leave out
 * no field Kassa requires.
 */

const TYPES_FILE = join(SOURCE, "utils/kassa-types.ts");

/** [type expression over kassa-types' exports, method, path, status or "body"] */
const CHECKS: [string, string, string, string][] = [
  ["SessionCreateBody", "post", "/v1/session", "body"],
  ["Session", "post", "/v1/session", "201"],
  ["KassaErrorBody", "get", "/v1/orders/{id}", "404"],
  ["KassaErrorBody", "post", "/v1/session", "401"],
  ["Catalog", "get", "/v1/catalog", "200"],
  ["OrderCreateBody", "post", "/v1/orders", "body"],
  ["Order", "post", "/v1/orders", "201"],
  ["Page<Order>", "get", "/v1/orders", "200"],
  ["Order", "get", "/v1/orders/{id}", "200"],
  ["RequestPaymentParams", "post", "/v1/orders/{id}/pay", "200"],
  ["Order", "post", "/v1/orders/{id}/confirm", "200"],
  ["Order", "post", "/v1/orders/{id}/cancel", "200"],
  ["Order", "post", "/v1/orders/{id}/pay-from-wallet", "200"],
  ["Wallet", "get", "/v1/wallet", "200"],
  ["WalletTiers", "get", "/v1/wallet/tiers", "200"],
  ["Page<WalletHistoryItem>", "get", "/v1/wallet/history", "200"],
  ["TopUpBody", "post", "/v1/wallet/top-ups", "body"],
  ["Order", "post", "/v1/wallet/top-ups", "201"],
  ["Page<Slot>", "get", "/v1/booking-slots", "200"],
  ["BookingCreateBody", "post", "/v1/bookings", "body"],
  ["BookedOrder", "post", "/v1/bookings", "201"],
  ["BookedOrder", "get", "/v1/bookings/{id}", "200"],
  ["Page<TipRecipient>", "get", "/v1/tip-recipients", "200"],
  ["TipCreateBody", "post", "/v1/tips", "body"],
  ["TippedOrder", "post", "/v1/tips", "201"],
  ["TippedOrder", "get", "/v1/tips/{id}", "200"],
];

/** kassa-types' exports that are the mini program's own words, not Kassa's. */
const NOT_KASSAS = new Set(["PaymentState", "PaymentOutcome", "OrderStatus", "OrderKind", "Page"]);
/** Checked as a field of another: [the type, the checked type it is a field of]. */
const CHECKED_WITHIN = new Map([
  ["CatalogItem", "Catalog"],
  ["WalletTier", "WalletTiers"],
]);

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
      }
    >
  >;
}

let kassa: KassaUnderTest;
let spec: OpenApi;
let typed: { exports: string[]; shapes: Shape[] };

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  spec = (await kassa.request("GET", "/docs/json")).body as OpenApi;
  typed = shapesOf(CHECKS.map(([expression]) => expression));
});
afterAll(async () => {
  await kassa?.close();
});

function schemaOf(method: string, path: string, status: string): JsonSchema {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`${method} ${path} is not in /docs/json`);
  const media =
    status === "body"
      ? operation.requestBody?.content["application/json"]
      : operation.responses[status]?.content?.["application/json"];
  if (!media) throw new Error(`${method} ${path} has no JSON ${status} in /docs/json`);
  return media.schema;
}

/**
 * The shapes of type expressions as tsc sees them under the mini program's own tsconfig:
 * one generated file declares `type Check0 = <expression>`, … beside kassa-types.ts.
 */
function shapesOf(expressions: string[]): { exports: string[]; shapes: Shape[] } {
  const checksFile = join(SOURCE, "utils/__api-type-checks.ts");
  const text = [
    'import type * as K from "./kassa-types";',
    ...expressions.map(
      (expression, i) => `export type Check${i} = ${expression.replace(/\b([A-Z]\w*)/g, "K.$1")};`,
    ),
  ].join("\n");
  const configFile = join(SOURCE, "../tsconfig.json");
  const config = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configFile));
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.fileExists = (file) => file === checksFile || ts.sys.fileExists(file);
  host.readFile = (file) => (file === checksFile ? text : read(file));
  host.getSourceFile = (file, language) =>
    file === checksFile ? ts.createSourceFile(file, text, language, true) : getSource(file, language);
  const program = ts.createProgram([checksFile], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0)
    throw new Error(ts.formatDiagnostics(diagnostics, { ...host, getNewLine: () => "\n" }));
  const checker = program.getTypeChecker();
  const checks = program.getSourceFile(checksFile);
  const types = program.getSourceFile(TYPES_FILE);
  if (!checks || !types) throw new Error("tsc did not load the checks");
  const moduleSymbol = checker.getSymbolAtLocation(types);
  const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name) : [];
  const shapes = checks.statements.filter(ts.isTypeAliasDeclaration).map((alias) => {
    return shapeOfType(checker, checker.getTypeFromTypeNode(alias.type));
  });
  return { exports, shapes };
}

describe("the mini program's types of Kassa's API match /docs/json", () => {
  test("every export of kassa-types.ts that describes Kassa's API is checked here", () => {
    const checked = new Set(CHECKS.flatMap(([expression]) => expression.match(/[A-Z]\w*/g) ?? []));
    for (const [name, within] of CHECKED_WITHIN) if (checked.has(within)) checked.add(name);
    const unchecked = typed.exports.filter((name) => !checked.has(name) && !NOT_KASSAS.has(name));
    expect(unchecked).toEqual([]);
    expect(readFileSync(TYPES_FILE, "utf8")).toContain("test/api-types.test.ts");
  });

  test.each(CHECKS.map((check, i) => [i, ...check] as const))(
    "#%i %s is %s %s %s",
    (i, _expression, method, path, status) => {
      const schema = shapeOfSchema(schemaOf(method, path, status));
      const shape = typed.shapes[i];
      if (!shape) throw new Error(`no shape for check ${i}`);
      expect(mismatches(shape, schema, status === "body" ? "request" : "response")).toEqual([]);
    },
  );
});
