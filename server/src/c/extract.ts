// Turns a C file into facts: TLS config initializers, field assignments, calls of TLS APIs, string
// macros and includes. A cheap substring prefilter decides whether the file can matter before anything
// is parsed, and the tree is deleted right after extraction (web-tree-sitter's wasm memory never shrinks).
import type { Node, QueryCapture, QueryMatch, Range as TsRange, Tree } from 'web-tree-sitter';
import prefilter from '../data/c-prefilter.json';
import { LineIndex } from '../positions';
import type { Position, Range } from '../rules/finding';
import { emptyCFacts, type CallFact, type CFileFacts, type FieldFact, type InitializerShape, type TlsConfigFact } from './facts';
import { chunksAt, mergeSpans, occurrences, topLevel, wordsPattern, type Span } from './chunks';
import { maskSource, type MaskedSource } from './mask';
import { checkBudget, TooComplex } from './budget';
import { discardParser, getParser, ParserFault, parseBounded, parseBudgetMs, type Dialect } from './parser';
import { pemLiterals, readLiteralContents } from './pemLiterals';
import { functionOf, guardsOf, parametersOf, resultUseOf } from './flow';
import { declaratorName, functionAround, namedChildren, statementOf } from './nodes';
import { matchesByName, type QueryName } from './queries';

/** Config structs of the ESP-IDF TLS APIs (shared/reference/api_struct_fields.tsv). */
export const TLS_CONFIG_TYPES: ReadonlySet<string> = new Set([
  'esp_tls_cfg_t',
  'esp_http_client_config_t',
  'esp_https_ota_config_t',
  'esp_mqtt_client_config_t',
  'esp_websocket_client_config_t',
  'httpd_ssl_config_t',
]);

/** Calls worth a fact: the TLS APIs, and memset (a config zeroed before assignments). Calls taking an address are kept too. */
const INTERESTING_CALL = /^(esp_transport_ssl_|mbedtls_ssl_|mbedtls_x509_crt_parse|mbedtls_pk_parse_key$|esp_tls_|esp_crt_bundle_|esp_http_client_(init|perform|open)$|esp_mqtt_client_start$|esp_https_ota|esp_mqtt_client_init$|esp_websocket_client_init$|memset$|esp_sntp_|sntp_|esp_netif_sntp_|settimeofday$|esp_eap_client_set_|esp_wifi_sta_wpa2_ent_set_|coap_new_client_session_|coap_context_set_(psk|pki))/;

const CPP_VERIFY_CALL = /^(init|set_verify_mode)$/;
/** A call handing a TLS URL to a function of the project (`start_client("https://api.example.com")`): the
 *  function's config may take its URL from that parameter. */
const TLS_URL_ARG = /"(https|mqtts|wss):\/\//i;

/** A file mentioning none of these cannot hold a fact we extract; it is not parsed. In a file that does,
 *  only the top-level pieces mentioning one are (and what they lead to: see `parseRelevant`). */
const TRIGGERS: readonly string[] = prefilter.words;
const ANY_TRIGGER = wordsPattern(TRIGGERS);

export function mayHoldFacts(text: string): boolean {
  ANY_TRIGGER.lastIndex = 0;
  return ANY_TRIGGER.test(text);
}

/** The same test on raw bytes, before a file is decoded: the words are ASCII, so latin1 is exact and cheap. */
export function bytesMayHoldFacts(bytes: Buffer): boolean {
  return mayHoldFacts(bytes.toString('latin1'));
}

export interface ExtractOptions {
  /** Parse the whole file instead of the pieces that can matter (tests compare the two). */
  whole?: boolean;
  /** The grammar: C++ sources (.cpp, .cc, .cxx, .hpp, .ino) are read with tree-sitter-cpp; the facts are the same. */
  dialect?: Dialect;
}

export async function extractC(text: string, opts: ExtractOptions = {}): Promise<CFileFacts> {
  if (!mayHoldFacts(text)) return emptyCFacts();
  checkBudget(text);
  const masked = maskSource(text);
  const parser = await getParser(opts.dialect);
  const deadline = Date.now() + parseBudgetMs(text.length);
  const parse: Parse = (ranges) => withMatches(parseBounded(parser, masked.text, deadline, ranges), deadline);
  let parsed: Parsed | undefined;
  try {
    parsed = opts.whole ? parse() : parseRelevant(parse, masked);
  } catch (e) {
    if (e instanceof TooComplex) throw e;
    discardParser(opts.dialect);
    // A fault inside the wasm (memory access out of bounds) leaves the whole runtime unusable, new parsers
    // included, and web-tree-sitter cannot load a second one in this thread: the extraction worker
    // (extractPool.ts) is then replaced; in process, every later file would fail, so it is not "one file failed".
    if (e instanceof Error && e.name === 'RuntimeError') throw new ParserFault(`the parser faulted inside its wasm runtime (${e.message})`);
    throw e;
  }
  if (!parsed) return emptyCFacts();
  let facts: CFileFacts;
  try {
    facts = collect(parsed.tree.rootNode, parsed.matches, { text, masked, deadline });
  } finally {
    parsed.tree.delete();
  }
  await readLiteralContents(facts.pems);
  return facts;
}

interface Parsed { tree: Tree; matches: Record<QueryName, QueryMatch[]> }
/** Parses the masked text (only `ranges` when given) and matches the queries, within the file's time budget. */
type Parse = (ranges?: TsRange[]) => Parsed;

/** The tree with its query matches; the tree is deleted when matching gives up (TooComplex). */
function withMatches(tree: Tree, deadline: number): Parsed {
  try {
    return { tree, matches: matchesByName(tree.rootNode, deadline) };
  } catch (e) {
    tree.delete();
    throw e;
  }
}

/**
 * Parses the top-level pieces of `text` that mention a trigger word, then, until nothing new turns up,
 * the pieces naming what those declared at file level (a global config, a struct member of a config
 * type, an `extern` config), so that `s_app.tls.cacert_buf = ...` in another function is still seen.
 * Directives are always parsed (macros resolve values; includes place a new #include). A tree with a
 * syntax error is parsed again whole: a piece cut wrongly must not cost a fact.
 */
function parseRelevant(parse: Parse, { text, lines }: MaskedSource): Parsed | undefined {
  const top = topLevel(text);
  if (!top) return parse();
  const chosen = chunksAt(top.chunks, occurrences(text, ANY_TRIGGER));
  for (let round = 0; ; round++) {
    const spans = mergeSpans([...top.directives, ...[...chosen].map((i) => top.chunks[i])]);
    const parsed = parse(spans.map((s) => tsRange(lines, s)));
    if (parsed.tree.rootNode.hasError) { parsed.tree.delete(); return parse(); }
    const names = fileLevelNames(parsed);
    const more = names.size ? [...chunksAt(top.chunks, occurrences(text, wordsPattern(names, { wholeWord: true })))].filter((i) => !chosen.has(i)) : [];
    if (!more.length || round === 8) return parsed; // globals naming globals: eight rounds is plenty
    parsed.tree.delete();
    for (const i of more) chosen.add(i);
  }
}

/** Names declared at file level in the parsed pieces, and struct members of a TLS config type. */
function fileLevelNames({ tree, matches }: Parsed): Set<string> {
  const names = new Set<string>();
  for (const m of matches.member) {
    const cap = captures(m.captures);
    if (TLS_CONFIG_TYPES.has(cap.type.text)) names.add(cap.name.text);
  }
  for (const decl of namedChildren(tree.rootNode)) {
    if (decl.type !== 'declaration') continue;
    for (const d of decl.childrenForFieldName('declarator')) {
      const name = d && declaratorName(d); // through init_declarator, pointer and array declarators
      if (name) names.add(name.text);
    }
  }
  return names;
}

function tsRange(lines: LineIndex, s: Span): TsRange {
  const a = lines.position(s.start), b = lines.position(s.end);
  return { startIndex: s.start, endIndex: s.end, startPosition: { row: a.line, column: a.character }, endPosition: { row: b.line, column: b.character } };
}

interface Ctx { text: string; masked: MaskedSource; deadline: number }

function collect(root: Node, byName: Record<QueryName, QueryMatch[]>, ctx: Ctx): CFileFacts {
  const facts = emptyCFacts();
  const each = (query: QueryName, fn: (cap: Record<string, Node>) => void) => {
    for (const m of byName[query]) {
      // Walking up from a node (Node.parent) costs the width of each level: on a wide error tree the
      // facts' context lookups turn quadratic, so they share the file's time budget too.
      if (Date.now() > ctx.deadline) throw new TooComplex('reading its syntax tree did not finish within the time budget');
      fn(captures(m.captures));
    }
  };
  // Member types first: declarations of the enclosing struct read them.
  each('member', (cap) => { if (TLS_CONFIG_TYPES.has(cap.type.text)) facts.memberTypes[cap.name.text] = cap.type.text; });
  each('declaration', (cap) => {
    if (TLS_CONFIG_TYPES.has(cap.type.text)) facts.configs.push(...configsOfDeclaration(ctx, cap.type.text, cap.declarator, cap.init, cap.decl));
    else facts.configs.push(...memberConfigs(ctx, facts.memberTypes, cap.declarator, cap.init));
  });
  each('bareDeclaration', (cap) => {
    // `extern T v;` declares a config defined elsewhere: not one to judge here.
    if (!TLS_CONFIG_TYPES.has(cap.type.text) || cap.decl.namedChildren.some((n) => n?.type === 'storage_class_specifier' && n.text === 'extern')) return;
    facts.configs.push(config(ctx, { structType: cap.type.text, form: 'declared', node: cap.decl, nameNode: cap.declarator, variable: cap.declarator.text }));
  });
  each('pointerParameter', (cap) => {
    // A prototype has no body that could set anything: only a definition's parameters are configs.
    if (TLS_CONFIG_TYPES.has(cap.type.text) && enclosingFunction(cap.param)) facts.configs.push(config(ctx, { structType: cap.type.text, form: 'parameter', node: cap.param, nameNode: cap.name, variable: cap.name.text }));
  });
  each('compoundLiteral', (cap) => {
    if (!TLS_CONFIG_TYPES.has(cap.type.text)) return;
    facts.configs.push(config(ctx, { structType: cap.type.text, form: 'compound-literal', node: cap.literal, nameNode: cap.type, init: cap.init }));
  });
  each('fieldAssignment', (cap) => {
    facts.assignments.push({
      target: slice(ctx, cap.target),
      field: cap.field.text,
      left: slice(ctx, cap.assignment.childForFieldName('left')!),
      value: slice(ctx, cap.value),
      range: rangeOf(cap.assignment),
      statementRange: rangeOf(statementOf(cap.assignment)),
      valueRange: rangeOf(cap.value),
      conditions: ctx.masked.conditionsAt(cap.assignment.startPosition.row),
      functionRange: enclosingFunction(cap.assignment),
      ...guardsOf(ctx.text, cap.assignment),
    });
  });
  // Other calls matter when they take an address (`init_cfg(&cfg)`): the callee may fill the config in.
  each('call', (cap) => {
    if (INTERESTING_CALL.test(cap.fn.text) || CPP_VERIFY_CALL.test(cap.fn.text) || /(^|[(,])\s*&/.test(cap.args.text) || TLS_URL_ARG.test(cap.args.text)) facts.calls.push(callFact(ctx, cap.fn.text, cap.args, cap.call));
  });
  // The C++ wrappers' verification switches: mbedtls_cxx `init(is_server{..}, do_verify{..})`, asio `set_verify_mode(..)`.
  each('methodCall', (cap) => {
    if (CPP_VERIFY_CALL.test(cap.fn.text)) facts.calls.push(callFact(ctx, cap.fn.text, cap.args, cap.call));
  });
  each('define', (cap) => facts.defines.push({ name: cap.name.text, value: cap.value.text.trim(), range: rangeOf(cap.def), conditions: ctx.masked.conditionsAt(cap.def.startPosition.row) }));
  each('include', (cap) => facts.includes.push({ path: cap.path.text.replace(/^["<]|[">]$/g, ''), range: rangeOf(cap.path) }));
  facts.binaryRefs = binaryRefs(ctx);
  if (ctx.text.includes('-----BEGIN')) {
    const macros = new Map(facts.defines.map((d) => [d.name, d.value]));
    facts.pems = pemLiterals(root, ctx.text, (name) => macros.get(name), ctx.masked.lines)
      .map((p) => ({ ...p, conditions: ctx.masked.conditionsAt(p.range.start.line) }));
  }
  return facts;
}

/**
 * `_binary_<name>_start/_end` references. The usual form binds a C name through an asm label
 * (`extern const uint8_t ca_start[] asm("_binary_ca_pem_start");`); the symbol may also be used directly.
 */
function binaryRefs(ctx: Ctx): CFileFacts['binaryRefs'] {
  const out: CFileFacts['binaryRefs'] = [];
  if (!ctx.text.includes('_binary_')) return out;
  // The symbol first (a literal prefix the regexp engine finds fast), then the asm label before it, if any.
  const re = /\b_binary_(\w+?)_(start|end)\b/g;
  const label = /(\w+)\s*\[\s*\]\s*(?:__asm__|asm)\s*\(\s*"$/;
  // Comments do not reference anything: blank them (keeping offsets) before scanning.
  const code = ctx.masked.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  for (let m: RegExpExecArray | null; (m = re.exec(code));) {
    const cName = label.exec(code.slice(Math.max(0, m.index - 300), m.index))?.[1];
    const start = positionAt(ctx, m.index);
    out.push({
      symbol: m[1], edge: m[2] as 'start' | 'end', cName: cName ?? `_binary_${m[1]}_${m[2]}`,
      range: { start, end: positionAt(ctx, m.index + m[0].length) }, conditions: ctx.masked.conditionsAt(start.line),
    });
  }
  return out;
}

function captures(list: QueryCapture[]): Record<string, Node> {
  return Object.fromEntries(list.map((c) => [c.name, c.node]));
}

function configsOfDeclaration(ctx: Ctx, structType: string, declarator: Node, init: Node, decl: Node): TlsConfigFact[] {
  const name = declaratorName(declarator);
  if (!name) return [];
  if (declarator.type === 'pointer_declarator') return [];
  if (declarator.type !== 'array_declarator') {
    return [config(ctx, { structType, form: 'declaration', node: decl, nameNode: name, init, variable: name.text })];
  }
  // An array of configs: every braced element is one config, named `v[i]`.
  return namedChildren(init)
    .filter((n) => n.type === 'initializer_list')
    .map((element, i) => config(ctx, { structType, form: 'declaration', node: element, nameNode: element, init: element, variable: `${name.text}[${i}]` }));
}

/** `static app_t s_app = { .tls = { ... } };` where `tls` is declared with a TLS config type. */
function memberConfigs(ctx: Ctx, memberTypes: Record<string, string>, declarator: Node, init: Node): TlsConfigFact[] {
  if (!Object.keys(memberTypes).length || declarator.type !== 'identifier') return [];
  const out: TlsConfigFact[] = [];
  for (const item of namedChildren(init)) {
    if (item.type !== 'initializer_pair') continue;
    const designators = designatorsOf(item);
    const value = item.childForFieldName('value');
    const member = designators.length === 1 ? designators[0] : undefined;
    if (!member || !value || value.type !== 'initializer_list' || !memberTypes[member]) continue;
    out.push(config(ctx, {
      structType: memberTypes[member], form: 'member', node: item, nameNode: item.childrenForFieldName('designator')[0] ?? item,
      init: value, variable: `${declarator.text}.${member}`,
    }));
  }
  return out;
}

interface ConfigSpec {
  structType: string;
  form: TlsConfigFact['form'];
  node: Node;
  nameNode: Node;
  init?: Node;
  variable?: string;
}

function config(ctx: Ctx, s: ConfigSpec): TlsConfigFact {
  const fn = enclosingFunction(s.node);
  const nested: TlsConfigFact['nested'] = [];
  return {
    structType: s.structType,
    variable: s.variable,
    form: s.form,
    scope: fn ? 'local' : 'global',
    nameRange: rangeOf(s.nameNode),
    range: rangeOf(s.node),
    fields: s.init ? fieldsOf(ctx, s.init, '', nested) : [],
    initializer: s.init ? shapeOf(ctx, s.init) : undefined,
    nested,
    conditions: ctx.masked.conditionsAt(s.node.startPosition.row),
    functionRange: fn,
    ...functionOf(s.node),
  };
}

/** Designated fields, recursing into nested lists so `.broker = { .verification = {...} }` yields dotted paths. */
function fieldsOf(ctx: Ctx, list: Node, prefix: string, nested: TlsConfigFact['nested']): FieldFact[] {
  const out: FieldFact[] = [];
  for (const item of namedChildren(list)) {
    if (item.type !== 'initializer_pair') continue;
    const designators = designatorsOf(item);
    const value = item.childForFieldName('value');
    if (!designators.length || !value) continue;
    const path = prefix + designators.join('.');
    if (value.type === 'initializer_list') {
      nested.push({ path, shape: shapeOf(ctx, value) });
      out.push(...fieldsOf(ctx, value, `${path}.`, nested));
      continue;
    }
    out.push({
      path,
      value: slice(ctx, value),
      range: rangeOf(item),
      valueRange: rangeOf(value),
      conditions: ctx.masked.conditionsAt(item.startPosition.row),
      designator: designators.join('.'),
      removal: removalOf(ctx, item, list),
    });
  }
  return out;
}

function designatorsOf(pair: Node): string[] {
  return pair.childrenForFieldName('designator')
    .filter((d): d is Node => !!d && d.type === 'field_designator')
    .map((d) => d.namedChildren[0]?.text ?? '');
}

/** An item alone on its line goes with the line; otherwise with the comma after it (or before it, when last). */
function removalOf(ctx: Ctx, item: Node, list: Node): Range {
  const t = ctx.masked.text;
  const lineStart = t.lastIndexOf('\n', item.startIndex - 1) + 1;
  const comma = /^[ \t]*,[ \t]*/.exec(t.slice(item.endIndex, list.endIndex))?.[0].length ?? 0;
  const lineEnd = t.indexOf('\n', item.endIndex + comma);
  const restOfLine = t.slice(item.endIndex + comma, lineEnd < 0 ? t.length : lineEnd);
  if (!t.slice(lineStart, item.startIndex).trim() && (!restOfLine.trim() || restOfLine.trim().startsWith('//'))) {
    return { start: positionAt(ctx, lineStart), end: positionAt(ctx, lineEnd < 0 ? t.length : lineEnd + 1) };
  }
  if (comma) return { start: positionAt(ctx, item.startIndex), end: positionAt(ctx, item.endIndex + comma) };
  const before = /,\s*$/.exec(t.slice(list.startIndex + 1, item.startIndex));
  return { start: positionAt(ctx, before ? item.startIndex - before[0].length : item.startIndex), end: positionAt(ctx, item.endIndex) };
}

function shapeOf(ctx: Ctx, list: Node): InitializerShape {
  const items = namedChildren(list).filter((n) => n.type !== 'comment');
  const last = items[items.length - 1];
  const open = list.startPosition, close = list.endPosition;
  const afterLast = last ? ctx.masked.text.slice(last.endIndex, list.endIndex - 1) : '';
  return {
    open: pos(open.row, open.column + 1),
    close: pos(close.row, close.column - 1),
    lastItemEnd: last ? pos(last.endPosition.row, last.endPosition.column) : undefined,
    trailingComma: afterLast.trimStart().startsWith(','),
    multiline: close.row > open.row,
    itemIndent: indentOf(ctx.text, last && last.startPosition.row > open.row ? last.startPosition.row : open.row, !last || last.startPosition.row === open.row),
    zeroOnly: items.length === 1 && last.type === 'number_literal' && last.text === '0',
  };
}

function callFact(ctx: Ctx, name: string, args: Node, call: Node): CallFact {
  const parent = call.parent;
  const assignedTo = parent?.type === 'init_declarator' ? declaratorName(parent.childForFieldName('declarator')!)?.text
    : parent?.type === 'assignment_expression' ? slice(ctx, parent.childForFieldName('left')!) : undefined;
  return {
    name,
    args: namedChildren(args).filter((a) => a.type !== 'comment').map((a) => ({ text: slice(ctx, a), range: rangeOf(a) })),
    range: rangeOf(call),
    statementRange: rangeOf(statementOf(call)),
    assignedTo,
    conditions: ctx.masked.conditionsAt(call.startPosition.row),
    functionRange: enclosingFunction(call),
    ...guardsOf(ctx.text, call),
    ...(name === 'mbedtls_ssl_get_verify_result' ? { resultUse: resultUseOf(call, assignedTo) } : {}),
    ...(name === 'mbedtls_ssl_conf_authmode' ? { parameters: parametersOf(call) } : {}),
  };
}

/** The indentation of `row`; one level deeper when the items would sit inside the line that opens the list. */
function indentOf(text: string, row: number, deeper: boolean): string {
  const line = text.split('\n', row + 1)[row] ?? '';
  const base = /^[ \t]*/.exec(line)?.[0] ?? '';
  return deeper ? base + (base.includes('\t') ? '\t' : '    ') : base;
}

function enclosingFunction(node: Node): Range | undefined {
  const fn = functionAround(node);
  return fn ? rangeOf(fn) : undefined;
}

function positionAt(ctx: Ctx, offset: number): Position {
  return ctx.masked.lines.position(offset);
}

const slice = (ctx: Ctx, n: Node) => ctx.text.slice(n.startIndex, n.endIndex);
const pos = (line: number, character: number): Position => ({ line, character });
export const rangeOf = (n: Node): Range => ({
  start: pos(n.startPosition.row, n.startPosition.column),
  end: pos(n.endPosition.row, n.endPosition.column),
});
