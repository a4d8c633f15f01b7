import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';
import { sampleSchema, type Schema } from './sample-schema.js';

/** The one file of @octokit/openapi the tests load: GitHub's REST API description for api.github.com. */
const SPEC_FILE = join(PROJECT_ROOT, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
const DOCUMENT_ID = 'github-rest';

export interface Operation {
  operationId: string;
  template: string;
  method: string;
  pointer: string;
  parameters: { name: string; in: string; schema?: Schema }[];
  requestBody?: { $ref?: string; required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
  /** JSON pointers (into the description) of the JSON body schema and of each response's schema, through any `$ref`. */
  bodyPointer?: string;
  responsePointers: Record<string, string>;
}

export interface OperationMatch {
  operation: Operation;
  params: Record<string, string>;
  /** Path parameters whose value does not fit their schema (an integer id that is not one). */
  parameterProblems: string[];
}

export interface ApiSpec {
  match(method: string, path: string): OperationMatch | undefined;
  /** Ajv's complaints about a JSON body, each naming the field; empty when valid. */
  checkBody(operation: Operation, body: unknown): string[];
  checkResponse(operation: Operation, status: number, body: unknown): string[];
  sampleResponse(operation: Operation, status: number, fields: unknown): unknown;
}

let loaded: ApiSpec | undefined;

/** Parses the 13 MB description once per test file (each file runs in its own worker). */
export function loadApiSpec(): ApiSpec {
  loaded ??= buildApiSpec(JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as SpecDocument);
  return loaded;
}

interface SpecDocument {
  paths: Record<string, Record<string, Omit<Operation, 'template' | 'method' | 'pointer' | 'responsePointers'>>>;
  components: Record<string, Record<string, Schema>>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function buildApiSpec(document: SpecDocument): ApiSpec {
  allowNullInNullableEnums(document);
  const ajv = new Ajv({ strict: false, allErrors: true, formats: lenientFormats(document) });
  ajv.addSchema({ paths: document.paths, components: document.components }, DOCUMENT_ID);
  const routes = Object.entries(document.paths)
    .flatMap(([template, item]) => Object.entries(item).filter(([method]) => METHODS.has(method)).map(([method, operation]) => ({
      ...operation,
      template,
      method,
      pointer: `/paths/${escapePointer(template)}/${method}`,
      ...contentPointers(`/paths/${escapePointer(template)}/${method}`, operation),
      parameters: (operation.parameters ?? []).map((parameter) => resolve(document, parameter as { $ref?: string }) as Operation['parameters'][number]),
    })))
    .map((operation) => ({ operation, pattern: templatePattern(operation.template), literalLength: operation.template.replace(/\{[^}]+\}/g, '').length }))
    // A literal segment beats a parameter: /issues/comments/{id} before /issues/{number}/comments.
    .sort((a, b) => b.literalLength - a.literalLength);
  const validators = new Map<string, ValidateFunction>();
  const validator = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${encodeURI(pointer)}` });
      validators.set(pointer, validate);
    }
    return validate;
  };
  const problems = (validate: ValidateFunction, value: unknown, label: string) =>
    validate(value) ? [] : (validate.errors ?? []).slice(0, 10).map((error) => `${label}${error.instancePath || ''} ${error.message ?? 'is invalid'}${error.params && 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : ''}`);

  return {
    match(method, path) {
      for (const { operation, pattern } of routes) {
        if (operation.method !== method) continue;
        const found = pattern.regex.exec(path);
        if (!found) continue;
        const params = Object.fromEntries(pattern.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]));
        const parameterProblems = operation.parameters
          .filter((parameter) => parameter.in === 'path' && parameter.schema?.type === 'integer' && !/^\d+$/.test(params[parameter.name] ?? ''))
          .map((parameter) => `path parameter ${parameter.name} must be an integer, got ${JSON.stringify(params[parameter.name])}`);
        return { operation, params, parameterProblems };
      }
      return undefined;
    },
    checkBody(operation, body) {
      if (!operation.bodyPointer) return body === undefined ? [] : ['this operation takes no JSON body'];
      if (body === undefined) return operation.requestBody?.required ? ['the request body is required'] : [];
      return problems(validator(operation.bodyPointer), body, 'body');
    },
    checkResponse(operation, status, body) {
      const pointer = operation.responsePointers[String(status)];
      return pointer ? problems(validator(pointer), body, 'response') : [];
    },
    sampleResponse(operation, status, fields) {
      const pointer = operation.responsePointers[String(status)];
      if (!pointer) return fields;
      return sampleSchema(resolve(document, { $ref: `#${pointer}` }) as Schema, (ref) => resolve(document, { $ref: ref }) as Schema, fields);
    },
  };
}

function resolve(document: SpecDocument, node: { $ref?: string }): unknown {
  if (!node.$ref) return node;
  const path = node.$ref.replace(/^#\//, '').split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = document;
  for (const part of path) value = (value as Record<string, unknown>)[part];
  if (value === undefined) throw new Error(`Unresolvable $ref ${node.$ref}`);
  return resolve(document, value as { $ref?: string });
}

/** Where the JSON schemas of an operation's body and responses live, following `components/requestBodies` and `components/responses` refs. */
function contentPointers(pointer: string, operation: Pick<Operation, 'requestBody' | 'responses'>): Pick<Operation, 'bodyPointer' | 'responsePointers'> {
  const at = (base: string, node: { $ref?: string } | undefined) => (node?.$ref ? node.$ref.replace(/^#/, '') : base);
  const json = (document: { content?: Record<string, unknown> } | undefined) => document?.content?.['application/json'] !== undefined;
  const responsePointers: Record<string, string> = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (response.$ref || json(response)) responsePointers[status] = `${at(`${pointer}/responses/${status}`, response)}/content/application~1json/schema`;
  }
  const body = operation.requestBody;
  return { bodyPointer: body && (body.$ref || json(body)) ? `${at(`${pointer}/requestBody`, body)}/content/application~1json/schema` : undefined, responsePointers };
}

/** A regular expression for a path template, and the parameter names in the order of its groups (names like `enterprise-team` cannot be group names). */
function templatePattern(template: string): { regex: RegExp; names: string[] } {
  const parts = template.split(/(\{[^}]+\})/);
  const names = parts.filter((part) => part.startsWith('{')).map((part) => part.slice(1, -1));
  const source = parts.map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * OpenAPI 3.0 reads `nullable: true` as allowing null even beside an `enum`; Ajv applies the
 * enum to null as well, so GitHub's `conclusion: null` would fail. Put null into such enums.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) node.forEach(allowNullInNullableEnums);
  else if (node !== null && typeof node === 'object') {
    const schema = node as Schema;
    if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
    Object.values(node).forEach(allowNullInNullableEnums);
  }
}

/**
 * Ajv ships no formats; GitHub's description uses a handful (some its own, like `repo.nwo`).
 * Check the two the client could get wrong, accept the rest.
 */
function lenientFormats(document: SpecDocument): Record<string, true | RegExp> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const format = (node as { format?: unknown }).format;
      if (typeof format === 'string') names.add(format);
      Object.values(node).forEach(walk);
    }
  };
  walk(document.components);
  walk(document.paths);
  const formats: Record<string, true | RegExp> = Object.fromEntries([...names].map((name) => [name, true as const]));
  formats['date-time'] = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  formats.uri = /^[a-z][a-z0-9+.-]*:\S*$/i;
  return formats;
}
