/** The subset of JSON Schema (OpenAPI 3.0 flavour) that GitHub's response schemas use. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  [keyword: string]: unknown;
}

const MAX_DEPTH = 12;

/**
 * The smallest value the schema accepts (required properties only), with `fields` laid over it
 * wherever the schema has a matching property, so a response carries the server's state and
 * everything else GitHub's description insists on.
 */
export function sampleSchema(schema: Schema, resolve: (ref: string) => Schema, fields: unknown, depth = 0): unknown {
  if (schema.$ref) return sampleSchema(resolve(schema.$ref), resolve, fields, depth);
  if (depth > MAX_DEPTH) return fields ?? null;
  if (schema.allOf) return schema.allOf.reduce<unknown>((merged, part) => merge(merged, sampleSchema(part, resolve, fields, depth + 1)), undefined);
  const choice = schema.oneOf ?? schema.anyOf;
  if (choice) return sampleSchema(pickChoice(choice, resolve, fields), resolve, fields, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((name) => name !== 'null') : schema.type;
  if ((fields === null || fields === undefined) && (schema.nullable || (Array.isArray(schema.type) && schema.type.includes('null')))) return null;
  if (type === 'object' || (type === undefined && schema.properties)) return sampleObject(schema, resolve, fields, depth);
  if (type === 'array') {
    if (Array.isArray(fields)) return fields.map((item) => (schema.items ? sampleSchema(schema.items, resolve, item, depth + 1) : item));
    return Array.from({ length: schema.minItems ?? 0 }, () => (schema.items ? sampleSchema(schema.items, resolve, undefined, depth + 1) : null));
  }
  if (fields !== undefined) return fields;
  if (schema.enum) return schema.enum[0];
  switch (type) {
    case 'string':
      return sampleString(schema.format);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function sampleObject(schema: Schema, resolve: (ref: string) => Schema, fields: unknown, depth: number): unknown {
  const given = fields !== null && typeof fields === 'object' && !Array.isArray(fields) ? (fields as Record<string, unknown>) : {};
  const result: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (name in given) result[name] = sampleSchema(property, resolve, given[name], depth + 1);
    else if (schema.required?.includes(name)) result[name] = sampleSchema(property, resolve, undefined, depth + 1);
  }
  return result;
}

/** The first alternative that is an object when the fields are one (GitHub's ids are often `oneOf` user/team). */
function pickChoice(choices: Schema[], resolve: (ref: string) => Schema, fields: unknown): Schema {
  const resolved = choices.map((choice) => (choice.$ref ? resolve(choice.$ref) : choice));
  const wantObject = fields !== null && typeof fields === 'object';
  return resolved.find((choice) => (choice.type === 'object' || choice.properties !== undefined) === wantObject) ?? resolved[0] ?? {};
}

function merge(a: unknown, b: unknown): unknown {
  if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object' && !Array.isArray(a)) return { ...a, ...b };
  return b ?? a;
}

function sampleString(format: string | undefined): string {
  switch (format) {
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'uri':
      return 'https://github.example/sample';
    case 'email':
      return 'octocat@github.example';
    default:
      return 'sample';
  }
}
