// The tree-sitter queries the C extractor runs.
import { Query, type Language, type Node, type QueryMatch, type QueryOptions } from 'web-tree-sitter';
import { TooComplex } from './budget';

const source = {
  /** `T v = { ... };` at any scope, also arrays `T v[2] = { {...}, {...} };`. */
  declaration: `
    (declaration
      type: (type_identifier) @type
      declarator: (init_declarator declarator: (_) @declarator value: (initializer_list) @init)) @decl`,
  /** `T v;` (to be filled by assignments). */
  bareDeclaration: `
    (declaration type: (type_identifier) @type declarator: (identifier) @declarator) @decl`,
  /** `(T){ ... }` passed straight to a call or assigned. */
  compoundLiteral: `
    (compound_literal_expression
      type: (type_descriptor type: (type_identifier) @type)
      value: (initializer_list) @init) @literal`,
  /** `x.f = v` and `x->f = v`. */
  fieldAssignment: `
    (assignment_expression
      left: (field_expression argument: (_) @target field: (field_identifier) @field)
      right: (_) @value) @assignment`,
  /** `f(args)` with a plain function name. */
  call: `(call_expression function: (identifier) @fn arguments: (argument_list) @args) @call`,
  /** `void f(esp_http_client_config_t *config)`: a config the function fills in for its caller. */
  pointerParameter: `
    (parameter_declaration type: (type_identifier) @type declarator: (pointer_declarator declarator: (identifier) @name)) @param`,
  /** `obj.f(args)` / `obj->f(args)`: the C++ TLS wrappers' methods (mbedtls_cxx `init`, asio `set_verify_mode`). */
  methodCall: `(call_expression function: (field_expression field: (field_identifier) @fn) arguments: (argument_list) @args) @call`,
  /** Struct members of a named type: `esp_tls_cfg_t tls;` inside a struct. */
  member: `(field_declaration type: (type_identifier) @type declarator: (field_identifier) @name)`,
  define: `(preproc_def name: (identifier) @name value: (preproc_arg) @value) @def`,
  include: `(preproc_include path: (_) @path)`,
};

export type QueryName = keyof typeof source;
const NAMES = Object.keys(source) as QueryName[];

/** tree-sitter-cpp names some of the same C constructs differently, and has references: `T{...}` is a
 *  compound literal with the type right under it, and `T &cfg` a parameter the function fills in. */
const cppSource: Record<QueryName, string> = {
  ...source,
  compoundLiteral: `
    (compound_literal_expression type: (type_identifier) @type value: (initializer_list) @init) @literal`,
  pointerParameter: `
    (parameter_declaration type: (type_identifier) @type
      declarator: [(pointer_declarator declarator: (identifier) @name) (reference_declarator (identifier) @name)]) @param`,
};

const cache = new WeakMap<Language, Query>();

/** All patterns in one query, compiled once per grammar: half the start-up cost of one query each, and
 *  one pass over a tree instead of eight. */
function compiled(language: Language): Query {
  let q = cache.get(language);
  if (!q) {
    // tree-sitter-cpp 0.23's wasm carries no name: tell it by a node type only C++ has.
    const patterns = language.idForNodeType('reference_declarator', true) ? cppSource : source;
    q = new Query(language, NAMES.map((name) => patterns[name]).join('\n'));
    cache.set(language, q);
  }
  return q;
}

/** The matches of every pattern under `node`, grouped by pattern name (each group in document order). */
export function matchesByName(node: Node, deadline = Infinity): Record<QueryName, QueryMatch[]> {
  const out = Object.fromEntries(NAMES.map((n) => [n, []])) as unknown as Record<QueryName, QueryMatch[]>;
  // Some error-ridden trees make the query cursor crawl (a fuzzed 30 KB file took 12 s): stop at the
  // file's time budget. Returning true from the callback cancels (the typings say void).
  let stopped = false;
  let calls = 0;
  const progressCallback = (() => (stopped ||= (++calls & 63) === 0 && Date.now() > deadline)) as unknown as QueryOptions['progressCallback'];
  const matches = compiled(node.tree.language).matches(node, deadline === Infinity ? {} : { progressCallback });
  if (stopped) throw new TooComplex('matching its syntax tree did not finish within the time budget');
  for (const m of matches) out[NAMES[m.patternIndex]].push(m);
  return out;
}
