// Typed facts extracted from one C file. Rules read these; they never walk syntax trees.
import type { Position, Range } from '../rules/finding';
import type { Condition } from './mask';
import type { PemLiteralFact } from './pemLiterals';

/** One spelling for an access expression so facts can be compared: `&s_app -> tls` and `s_app.tls`
 *  name the same object (address-of dropped, whitespace removed, `->` read as `.`). */
export function accessPath(expr: string): string {
  return expr.replace(/^&\s*/, '').replace(/\s+/g, '').replace(/->/g, '.');
}

/** One designated field in a config initializer: `.crt_bundle_attach = esp_crt_bundle_attach`. */
export interface FieldFact {
  /** Dotted path for nested designators: `broker.verification.certificate`. */
  path: string;
  /** The value as written in the source. */
  value: string;
  range: Range;
  valueRange: Range;
  /** The `#if` branches this field sits in (outermost first). */
  conditions: readonly Condition[];
  /** The designators as written here (`verification.certificate` inside `.broker = {...}`). */
  designator: string;
  /** What to delete to remove this item cleanly: its own line(s), or the item and its comma. */
  removal: Range;
}

/** Where the braces and items of an initializer list are, so a fix can insert a field in the user's style. */
export interface InitializerShape {
  open: Position;
  close: Position;
  /** End of the last item, if any; and whether a comma follows it. */
  lastItemEnd?: Position;
  trailingComma: boolean;
  /** The list spans several lines: fields go on their own line with this indentation. */
  multiline: boolean;
  itemIndent: string;
  /** The list holds only a positional zero (`{ 0 }`), which a fix replaces. */
  zeroOnly: boolean;
}

export interface TlsConfigFact {
  structType: string;
  /** `cfg`, `configs[1]`, `s_app.tls`; undefined for a compound literal. */
  variable?: string;
  /** declaration: `T v = {...}`; declared: `T v;` filled by assignments; compound-literal: `(T){...}`;
   * member: a config member of a larger struct, initialized inside that struct's initializer;
   * parameter: `T *p` of a function that sets fields through it for its caller. */
  form: 'declaration' | 'declared' | 'compound-literal' | 'member' | 'parameter';
  scope: 'global' | 'local';
  /** Where a finding about the whole config sits: the declared name, or the literal's type. */
  nameRange: Range;
  range: Range;
  fields: FieldFact[];
  /** The braces of the config's own initializer; absent for `T v;`. */
  initializer?: InitializerShape;
  /** Nested braces inside it, by designator path (`broker`, `broker.verification`), for fixes that add a nested field. */
  nested: { path: string; shape: InitializerShape }[];
  /** The `#if` branches the declaration itself sits in. */
  conditions: readonly Condition[];
  /** The function the config is declared in (local configs). */
  functionRange?: Range;
  /** That function's name and parameter names: a URL read from a parameter comes from its call sites. */
  function?: { name: string; parameters: string[] };
}

/** `cfg.field = value;` or `p->field = value;` anywhere in the file. */
export interface FieldAssignmentFact {
  /** The object as written: `cfg`, `p`, `ctx->tls_cfg`. */
  target: string;
  field: string;
  /** The whole left side as written: `p->skip_common_name`. */
  left: string;
  value: string;
  /** The whole statement, `;` included, and the assignment's start/end columns for fixes. */
  range: Range;
  statementRange: Range;
  valueRange: Range;
  conditions: readonly Condition[];
  functionRange?: Range;
  /** The run-time conditions the statement sits under, innermost first. */
  guards?: Guard[];
}

/** A run-time condition: an `if`'s condition as written (`client->config->skip_cn`, `!(err == ESP_OK)` for the
 *  else branch), or, in words, what else decides whether the code runs (a C++ lambda, a `case`). */
export type Guard = { code: string } | { words: string };

/** A call to a function the rules care about (esp_transport_ssl_*, mbedtls_ssl_*, esp_tls_*, ...). */
export interface CallFact {
  name: string;
  args: { text: string; range: Range }[];
  range: Range;
  /** The statement holding the call, for fixes that remove or follow it. */
  statementRange: Range;
  /** `x` in `x = f(...)` or `T x = f(...)`. */
  assignedTo?: string;
  conditions: readonly Condition[];
  functionRange?: Range;
  /** The run-time conditions the call sits under, innermost first. */
  guards?: Guard[];
  /** For a verification result (mbedtls_ssl_get_verify_result): does a failure change what the code does next,
   *  or is it only logged? `acted-on` also stands for "cannot tell" (returned, passed on, checked far away). */
  resultUse?: 'logged-only' | 'acted-on';
  /** For mbedtls_ssl_conf_authmode: the enclosing function's parameter names (a mode chosen from one is the caller's). */
  parameters?: string[];
}

/** `#define NAME value`; object-like macros only. */
export interface DefineFact { name: string; value: string; range: Range; conditions?: readonly Condition[] }

/** A reference to an embedded file's symbol: `extern const uint8_t ca_start[] asm("_binary_ca_pem_start");`. */
export interface BinaryRefFact {
  /** `ca_pem` of `_binary_ca_pem_start`. */
  symbol: string;
  edge: 'start' | 'end';
  /** The C name code uses for it: `ca_start` above, or the `_binary_...` name itself. */
  cName: string;
  range: Range;
  conditions: readonly Condition[];
}

export interface IncludeFact {
  /** The header without quotes or angle brackets. */
  path: string;
  range: Range;
}

export interface CFileFacts {
  configs: TlsConfigFact[];
  assignments: FieldAssignmentFact[];
  calls: CallFact[];
  defines: DefineFact[];
  includes: IncludeFact[];
  /** Struct members declared with a TLS config type: member name -> struct type. */
  memberTypes: Record<string, string>;
  binaryRefs: BinaryRefFact[];
  /** PEM blocks written as C string literals. */
  pems: PemLiteralFact[];
}

export const emptyCFacts = (): CFileFacts => ({ configs: [], assignments: [], calls: [], defines: [], includes: [], memberTypes: {}, binaryRefs: [], pems: [] });

/** The facts of every file the prefilter drops (most of a workspace): one frozen instance, shared. */
export const NO_C_FACTS: CFileFacts = Object.freeze(Object.fromEntries(
  Object.entries(emptyCFacts()).map(([k, v]) => [k, Object.freeze(v)]),
)) as unknown as CFileFacts;
