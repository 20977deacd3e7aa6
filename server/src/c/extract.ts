// Turns a C file into facts: TLS config initializers, field assignments and includes.
// A cheap substring prefilter decides whether the file can matter before anything is parsed, and the
// tree is deleted right after extraction (web-tree-sitter's wasm memory never shrinks).
import type { Node } from 'web-tree-sitter';
import type { Position, Range } from '../rules/finding';
import { emptyCFacts, type CFileFacts, type FieldFact, type InitializerShape, type TlsConfigFact } from './facts';
import { maskSource, type MaskedSource } from './mask';
import { getParser } from './parser';
import { queriesFor } from './queries';

/** Config structs of the ESP-IDF TLS client APIs (shared/reference/api_struct_fields.tsv). */
export const TLS_CONFIG_TYPES: ReadonlySet<string> = new Set([
  'esp_tls_cfg_t',
  'esp_http_client_config_t',
  'esp_https_ota_config_t',
  'esp_mqtt_client_config_t',
  'esp_websocket_client_config_t',
  'httpd_ssl_config_t',
]);

/** A file mentioning none of these cannot hold a fact we extract; it is not parsed. */
const TRIGGERS = [...TLS_CONFIG_TYPES];

export function mayHoldFacts(text: string): boolean {
  return TRIGGERS.some((t) => text.includes(t));
}

export async function extractC(text: string): Promise<CFileFacts> {
  if (!mayHoldFacts(text)) return emptyCFacts();
  const masked = maskSource(text);
  const parser = await getParser();
  const tree = parser.parse(masked.text);
  if (!tree) return emptyCFacts();
  try {
    return collect(tree.rootNode, text, masked);
  } finally {
    tree.delete();
  }
}

function collect(root: Node, text: string, masked: MaskedSource): CFileFacts {
  const q = queriesFor(root.tree.language);
  const ctx: Ctx = { text, masked };
  const facts = emptyCFacts();

  for (const m of q.declaration.matches(root)) {
    const cap = captures(m.captures);
    if (!TLS_CONFIG_TYPES.has(cap.type.text)) continue;
    facts.configs.push(...configsOfDeclaration(ctx, cap.type.text, cap.declarator, cap.init, cap.decl));
  }
  for (const m of q.compoundLiteral.matches(root)) {
    const cap = captures(m.captures);
    if (!TLS_CONFIG_TYPES.has(cap.type.text)) continue;
    facts.configs.push(config(ctx, {
      structType: cap.type.text, form: 'compound-literal', node: cap.literal, nameNode: cap.type, init: cap.init,
    }));
  }
  for (const m of q.fieldAssignment.matches(root)) {
    const cap = captures(m.captures);
    facts.assignments.push({
      target: slice(ctx, cap.target),
      field: cap.field.text,
      value: slice(ctx, cap.value),
      range: rangeOf(cap.assignment),
      conditions: masked.conditionsAt(cap.assignment.startPosition.row),
      functionRange: enclosingFunction(cap.assignment),
    });
  }
  for (const m of q.include.matches(root)) {
    const node = m.captures[0].node;
    facts.includes.push({ path: node.text.replace(/^["<]|[">]$/g, ''), range: rangeOf(node) });
  }
  return facts;
}

interface Ctx { text: string; masked: MaskedSource }

function captures(list: { name: string; node: Node }[]): Record<string, Node> {
  return Object.fromEntries(list.map((c) => [c.name, c.node]));
}

function configsOfDeclaration(ctx: Ctx, structType: string, declarator: Node, init: Node, decl: Node): TlsConfigFact[] {
  const name = declaratorName(declarator);
  if (!name) return [];
  if (declarator.type !== 'array_declarator') {
    return [config(ctx, { structType, form: 'declaration', node: decl, nameNode: name, init, variable: name.text })];
  }
  // An array of configs: every braced element is one config, named `v[i]`.
  return init.namedChildren
    .filter((n): n is Node => !!n && n.type === 'initializer_list')
    .map((element, i) => config(ctx, {
      structType, form: 'declaration', node: element, nameNode: element, init: element, variable: `${name.text}[${i}]`,
    }));
}

function declaratorName(d: Node): Node | null {
  if (d.type === 'identifier') return d;
  const inner = d.childForFieldName('declarator');
  return inner ? declaratorName(inner) : null;
}

interface ConfigSpec {
  structType: string;
  form: TlsConfigFact['form'];
  node: Node;
  nameNode: Node;
  init: Node;
  variable?: string;
}

function config(ctx: Ctx, s: ConfigSpec): TlsConfigFact {
  const fn = enclosingFunction(s.node);
  return {
    structType: s.structType,
    variable: s.variable,
    form: s.form,
    scope: fn ? 'local' : 'global',
    nameRange: rangeOf(s.nameNode),
    range: rangeOf(s.node),
    fields: fieldsOf(ctx, s.init, ''),
    initializer: shapeOf(ctx, s.init),
    conditions: ctx.masked.conditionsAt(s.node.startPosition.row),
    functionRange: fn,
  };
}

/** Designated fields, recursing into nested lists so `.broker = { .verification = {...} }` yields dotted paths. */
function fieldsOf(ctx: Ctx, list: Node, prefix: string): FieldFact[] {
  const out: FieldFact[] = [];
  for (const item of list.namedChildren) {
    if (!item || item.type !== 'initializer_pair') continue;
    const designators = item.childrenForFieldName('designator').filter((d): d is Node => !!d && d.type === 'field_designator');
    const value = item.childForFieldName('value');
    if (!designators.length || !value) continue;
    const path = prefix + designators.map((d) => d.namedChildren[0]?.text ?? '').join('.');
    if (value.type === 'initializer_list') {
      out.push(...fieldsOf(ctx, value, `${path}.`));
      continue;
    }
    out.push({
      path,
      value: slice(ctx, value),
      range: rangeOf(item),
      valueRange: rangeOf(value),
      conditions: ctx.masked.conditionsAt(item.startPosition.row),
    });
  }
  return out;
}

function shapeOf(ctx: Ctx, list: Node): InitializerShape {
  const items = list.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const last = items[items.length - 1];
  const open = list.startPosition, close = list.endPosition;
  const multiline = close.row > open.row;
  const afterLast = last ? ctx.masked.text.slice(last.endIndex, list.endIndex - 1) : '';
  return {
    open: pos(open.row, open.column + 1),
    close: pos(close.row, close.column - 1),
    lastItemEnd: last ? pos(last.endPosition.row, last.endPosition.column) : undefined,
    trailingComma: afterLast.trimStart().startsWith(','),
    multiline,
    itemIndent: indentOf(ctx.text, last && last.startPosition.row > open.row ? last.startPosition.row : open.row, !last || last.startPosition.row === open.row),
    zeroOnly: items.length === 1 && last.type === 'number_literal' && last.text === '0',
  };
}

/** The indentation of `row`; one level deeper when the items would sit inside the line that opens the list. */
function indentOf(text: string, row: number, deeper: boolean): string {
  const line = text.split('\n', row + 1)[row] ?? '';
  const base = /^[ \t]*/.exec(line)?.[0] ?? '';
  return deeper ? base + (base.includes('\t') ? '\t' : '    ') : base;
}

function enclosingFunction(node: Node): Range | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return rangeOf(n);
  return undefined;
}

const slice = (ctx: Ctx, n: Node) => ctx.text.slice(n.startIndex, n.endIndex);
const pos = (line: number, character: number): Position => ({ line, character });
export const rangeOf = (n: Node): Range => ({
  start: pos(n.startPosition.row, n.startPosition.column),
  end: pos(n.endPosition.row, n.endPosition.column),
});
