import ts from "typescript";

/**
 * One shape for a TypeScript type and for an OpenAPI 3.0 schema, so the two can be compared
 * (api-types.test.ts): what kind of value, whether it may be null, and for objects which
 * fields, each optional or not. Descriptions, bounds and patterns are not compared: tsc
 * cannot say them.
 */
export type Shape = { nullable: boolean } & (
  | { kind: "unknown" | "string" | "number" | "boolean" }
  | { kind: "literals"; values: string[] }
  | { kind: "array"; items: Shape }
  | { kind: "object"; fields: Record<string, { shape: Shape; optional: boolean }> }
  | { kind: "oneOf"; members: Shape[] }
);

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

export function shapeOfSchema(schema: JsonSchema): Shape {
  const nullable = schema.nullable === true;
  if (schema.anyOf) {
    const members = schema.anyOf.map(shapeOfSchema);
    if (members.every((member) => member.kind === "literals"))
      return { nullable, kind: "literals", values: members.flatMap((member) => literalsOf(member)).sort() };
    return { nullable, kind: "oneOf", members };
  }
  if (schema.enum) return { nullable, kind: "literals", values: schema.enum.map(String).sort() };
  switch (schema.type) {
    case "string":
      return { nullable, kind: "string" };
    case "integer":
    case "number":
      return { nullable, kind: "number" };
    case "boolean":
      return { nullable, kind: "boolean" };
    case "array":
      return { nullable, kind: "array", items: shapeOfSchema(schema.items ?? {}) };
    case "object": {
      const required = new Set(schema.required ?? []);
      const fields = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, field]) => [
          name,
          { shape: shapeOfSchema(field), optional: !required.has(name) },
        ]),
      );
      return { nullable, kind: "object", fields };
    }
    default:
      return { nullable, kind: "unknown" };
  }
}

function literalsOf(shape: Shape): string[] {
  return shape.kind === "literals" ? shape.values : [];
}

export function shapeOfType(checker: ts.TypeChecker, type: ts.Type): Shape {
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return { nullable: false, kind: "unknown" };
  if (type.isUnion()) {
    const members = type.types.filter((member) => !(member.flags & ts.TypeFlags.Null));
    const nullable = members.length < type.types.length;
    if (members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral))
      return { nullable, kind: "boolean" };
    if (members.every((member) => member.isStringLiteral()))
      return {
        nullable,
        kind: "literals",
        values: members.map((member) => (member as ts.StringLiteralType).value).sort(),
      };
    const only = members.length === 1 ? members[0] : undefined;
    if (only) return { ...shapeOfType(checker, only), nullable };
    return { nullable, kind: "oneOf", members: members.map((member) => shapeOfType(checker, member)) };
  }
  if (type.isStringLiteral()) return { nullable: false, kind: "literals", values: [type.value] };
  if (type.flags & ts.TypeFlags.String) return { nullable: false, kind: "string" };
  if (type.flags & ts.TypeFlags.Number) return { nullable: false, kind: "number" };
  if (type.flags & ts.TypeFlags.Boolean) return { nullable: false, kind: "boolean" };
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return { nullable: false, kind: "array", items: item ? shapeOfType(checker, item) : unknownShape };
  }
  if (type.flags & ts.TypeFlags.Object) {
    const fields = Object.fromEntries(
      checker.getPropertiesOfType(type).map((symbol) => [
        symbol.name,
        {
          shape: shapeOfType(checker, checker.getNonNullableType(checker.getTypeOfSymbol(symbol))),
          optional: (symbol.flags & ts.SymbolFlags.Optional) !== 0,
        },
      ]),
    );
    // getNonNullableType above drops null as well as the undefined of `?`: read it back.
    for (const symbol of checker.getPropertiesOfType(type)) {
      const declared = checker.getTypeOfSymbol(symbol);
      const field = fields[symbol.name];
      if (field && declared.isUnion() && declared.types.some((member) => member.flags & ts.TypeFlags.Null))
        field.shape = { ...field.shape, nullable: true };
    }
    return { nullable: false, kind: "object", fields };
  }
  return unknownShape;
}

const unknownShape: Shape = { nullable: false, kind: "unknown" };

/**
 * Where the mini program's type `ours` disagrees with Kassa's schema `theirs`, as
 * `path: what` lines. An answer (`response`) may carry fields the type leaves out, and the
 * type's literals must be exactly Kassa's (a status it does not know would go unhandled);
 * a body (`request`) may leave out only what Kassa does not require, and send only
 * literals Kassa takes.
 */
export function mismatches(
  ours: Shape,
  theirs: Shape,
  direction: "request" | "response",
  at = "$",
): string[] {
  if (ours.kind === "unknown") return [];
  if (theirs.kind === "oneOf" && ours.kind !== "oneOf") {
    // A type of one member of Kassa's union (the pay call's WeChat parameters).
    const tries = theirs.members.map((member) => mismatches(ours, member, direction, at));
    return tries.some((found) => found.length === 0)
      ? []
      : [`${at}: matches none of Kassa's ${tries.length} forms`];
  }
  const found: string[] = [];
  if (ours.nullable !== theirs.nullable && !(direction === "request" && !ours.nullable))
    found.push(
      `${at}: ${ours.nullable ? "nullable" : "never null"} here, ${theirs.nullable ? "nullable" : "never null"} in Kassa's`,
    );
  if (ours.kind === "oneOf") {
    for (const [i, member] of ours.members.entries())
      found.push(...mismatches(member, theirs, direction, `${at}|${i}`));
    return found;
  }
  if (ours.kind === "string" && theirs.kind === "literals") return found; // reading a wider type is safe
  if (ours.kind !== theirs.kind) return [...found, `${at}: ${ours.kind} here, ${theirs.kind} in Kassa's`];
  if (ours.kind === "literals" && theirs.kind === "literals") {
    const extra = ours.values.filter((value) => !theirs.values.includes(value));
    const missing = theirs.values.filter((value) => !ours.values.includes(value));
    if (extra.length > 0) found.push(`${at}: ${extra.join(", ")} not in Kassa's values`);
    if (direction === "response" && missing.length > 0)
      found.push(`${at}: Kassa also answers ${missing.join(", ")}`);
  }
  if (ours.kind === "array" && theirs.kind === "array")
    found.push(...mismatches(ours.items, theirs.items, direction, `${at}[]`));
  if (ours.kind === "object" && theirs.kind === "object") {
    for (const [name, field] of Object.entries(ours.fields)) {
      const their = theirs.fields[name];
      if (!their) {
        found.push(`${at}.${name}: not in Kassa's schema`);
        continue;
      }
      if (direction === "response" && field.optional !== their.optional)
        found.push(
          `${at}.${name}: ${field.optional ? "optional" : "required"} here, ${their.optional ? "optional" : "required"} in Kassa's`,
        );
      if (direction === "request" && field.optional && !their.optional)
        found.push(`${at}.${name}: optional here, required by Kassa`);
      found.push(...mismatches(field.shape, their.shape, direction, `${at}.${name}`));
    }
    if (direction === "request")
      for (const [name, their] of Object.entries(theirs.fields))
        if (!their.optional && !(name in ours.fields))
          found.push(`${at}.${name}: required by Kassa, missing here`);
  }
  return found;
}
