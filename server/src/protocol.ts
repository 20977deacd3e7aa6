// Custom requests and notifications between the extension and the server, typed once for both sides.
// Plain method names and shapes: the client and server libraries each wrap them in their own types.

export interface CheckWorkspaceResult {
  projects: number;
  files: number;
  findings: number;
  /** Files not analysed (binary, too large), with the reason. */
  skipped: { file: string; reason: string }[];
}

export interface StatusParams {
  state: 'indexing' | 'ready' | 'error';
  projects: number;
  findings: number;
  message?: string;
}

/** Inspect Certificate: a selection (`text`), the literal under `position`, or the whole file. */
export interface InspectParams {
  uri: string;
  text?: string;
  position?: { line: number; character: number };
}

export interface InspectResult {
  /** Markdown for a readable panel. */
  markdown: string;
  /** How many certificates and keys were found. */
  count: number;
}

/** Decode mbedTLS Error: any form (-0x2700, 9984, MBEDTLS_ERR_..., 0x801A, a verify-flag mask). */
export interface DecodeParams { input: string; uri?: string }
export interface DecodeResponse { markdown: string; ok: boolean }

export const Methods = {
  /** Request DecodeParams -> DecodeResponse. */
  decode: 'espTlsLens/decode',
  /** Request InspectParams -> InspectResult. */
  inspect: 'espTlsLens/inspect',
  /** Request, no params: re-index every workspace folder and publish all findings. */
  checkWorkspace: 'espTlsLens/checkWorkspace',
  /** Notification server -> client: what the analysis is doing. */
  status: 'espTlsLens/status',
} as const;

/** Payload kept in Diagnostic.data: the fixes of the finding, so code actions are read, not recomputed. */
export interface DiagnosticData {
  fixes: { title: string; preferred?: boolean; edits: { uri: string; edits: { range: LspRange; newText: string }[] }[] }[];
}

interface LspRange { start: { line: number; character: number }; end: { line: number; character: number } }
