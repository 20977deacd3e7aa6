// Typed facts extracted from one C file. Rules read these; they never walk syntax trees.
import type { Position, Range } from '../rules/finding';
import type { Condition } from './mask';

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
  /** `cfg`, `configs[1]`; undefined for a compound literal. */
  variable?: string;
  form: 'declaration' | 'compound-literal';
  scope: 'global' | 'local';
  /** Where a finding about the whole config sits: the declared name, or the literal's type. */
  nameRange: Range;
  range: Range;
  fields: FieldFact[];
  initializer: InitializerShape;
  /** The `#if` branches the declaration itself sits in. */
  conditions: readonly Condition[];
  /** The function the config is declared in (local configs). */
  functionRange?: Range;
}

/** `cfg.field = value;` or `p->field = value;` anywhere in the file. */
export interface FieldAssignmentFact {
  /** The object as written: `cfg`, `p`, `ctx->tls_cfg`. */
  target: string;
  field: string;
  value: string;
  range: Range;
  conditions: readonly Condition[];
  functionRange?: Range;
}

export interface IncludeFact {
  /** The header without quotes or angle brackets. */
  path: string;
  range: Range;
}

export interface CFileFacts {
  configs: TlsConfigFact[];
  assignments: FieldAssignmentFact[];
  includes: IncludeFact[];
}

export const emptyCFacts = (): CFileFacts => ({ configs: [], assignments: [], includes: [] });
