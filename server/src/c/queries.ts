// The tree-sitter queries the C extractor runs. Compiled once per grammar.
import { Query, type Language } from 'web-tree-sitter';

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
  /** Struct members of a named type: `esp_tls_cfg_t tls;` inside a struct. */
  member: `(field_declaration type: (type_identifier) @type declarator: (field_identifier) @name)`,
  define: `(preproc_def name: (identifier) @name value: (preproc_arg) @value) @def`,
  include: `(preproc_include path: (_) @path)`,
};

export type QueryName = keyof typeof source;
const cache = new WeakMap<Language, Record<QueryName, Query>>();

export function queriesFor(language: Language): Record<QueryName, Query> {
  let q = cache.get(language);
  if (!q) {
    q = Object.fromEntries(Object.entries(source).map(([k, s]) => [k, new Query(language, s)])) as Record<QueryName, Query>;
    cache.set(language, q);
  }
  return q;
}
