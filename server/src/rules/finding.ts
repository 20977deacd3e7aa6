// The one shape every rule returns. The editor (diagnostics, code actions) and the CLI (text, json,
// sarif) both render these; nothing is computed twice.

/** 0-based line and UTF-16 column, as LSP and tree-sitter count them. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeverityOrOff = Severity | 'off';

export interface TextEdit { range: Range; newText: string }

/** A mechanical change that resolves a finding; `file` is an absolute path. */
export interface Fix {
  title: string;
  edits: { file: string; edits: TextEdit[] }[];
  preferred?: boolean;
}

export interface RelatedLocation { file: string; range: Range; message: string }

export interface Finding {
  rule: string;
  severity: Severity;
  /** Absolute path of the file the finding sits in. */
  file: string;
  range: Range;
  message: string;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
