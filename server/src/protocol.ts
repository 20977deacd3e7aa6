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
  /** One line per project: its IDF version and where that came from (the tooltip shows them). */
  versions?: string[];
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

/** A server to connect to, and optionally the TLS client (C file + the client's anchor) it belongs to. */
export interface ServerTarget {
  host: string;
  port?: number;
  /** SNI name, for IP addresses (defaults to the host otherwise). */
  servername?: string;
  uri?: string;
  position?: { line: number; character: number };
}

/** The TLS client under (or nearest above) a position: what the lens and "under the cursor" resolve to. */
export interface ClientAtParams { uri: string; position: { line: number; character: number } }
export interface ClientAtResult {
  /** `cfg`, or the struct type for a literal. */
  name: string;
  struct: string;
  /** The client's anchor (where its lens sits): pass it back as ServerTarget.position. */
  position: { line: number; character: number };
  host?: string;
  port?: number;
  url?: string;
}

export interface FetchChainParams extends ServerTarget { timeoutMs?: number }

/** One presented certificate, ready to show. */
export interface ChainCertView {
  pem: string;
  subject: string;
  subjectCN?: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  /** leaf | intermediate | root (self-signed) | unrelated (not on the leaf's path). */
  role: 'leaf' | 'intermediate' | 'root' | 'unrelated';
  /** "RSA 2048", "EC P-256". */
  key: string;
  signature: string;
  /** DNS and IP SANs. */
  san: string[];
  /** "valid", "expired", "not yet valid", "expires in N days". */
  validity: string;
  validityState: 'ok' | 'warning' | 'error';
}

export interface ChainView {
  host: string;
  port: number;
  servername: string | null;
  protocol: string;
  exactAsSent: boolean;
  trusted: boolean;
  certificates: ChainCertView[];
  anchor: { subject: string; name: string; source: 'mozilla' | 'presented' | 'extra'; pem: string; notAfter: string } | null;
  problems: { id: string; severity: 'error' | 'warning' | 'info'; message: string }[];
  /** The IDF version the bundle membership was judged for, and where it came from. */
  idf: string;
  /** Is the anchor in ESP-IDF's default bundle of that version: FULL (Mozilla list) and CMN. */
  bundle: { full: boolean; cmn: boolean | undefined } | null;
  /** The TLS client the chain was fetched for (it receives the embed edits), when there is one. */
  client?: ClientAtResult & { uri: string };
  /** The roots that "embed" would write: the anchor, or the self-signed top of the chain. */
  embeddable: { name: string; pem: string }[];
}

export type FetchChainResult = { ok: true; view: ChainView } | { ok: false; error: string; code: string };

/** Builds the edits that make a TLS client trust `pems` (embed) or the ESP-IDF bundle (bundle). */
export interface TrustEditParams {
  uri: string;
  position: { line: number; character: number };
  action: 'embed' | 'bundle';
  /** PEM blocks to embed (action 'embed'). */
  pems?: string[];
  /** A name for the PEM file, e.g. the CA's name; made safe and unique by the server. */
  name?: string;
}

/** An LSP WorkspaceEdit (documentChanges with a CreateFile that never overwrites) plus what it does, in words. */
export type TrustEditResult =
  | { ok: true; edit: { documentChanges: unknown[] }; summary: string[] }
  | { ok: false; error: string };

export interface CheckServerParams extends ServerTarget { timeoutMs?: number }

/** The outcome of a device-like handshake, step by step. */
export interface CheckServerResult {
  ok: boolean;
  /** Set when the connection could not be made at all (network, timeout). */
  error?: string;
  /** The mbedTLS (or ESP-TLS) error the device would report, e.g. "-0x2700". */
  expected?: { code: string; name: string; flags?: string[]; log: string[]; reason: string };
  /** What answered: the device's Mbed TLS ("Mbed TLS 3.6.6"), or absent where the handshake was modelled. */
  engine?: string;
  /** Each step (connect, hello, suite, certificate, trust, hostname, dates) with its verdict. */
  steps: { step: string; ok: boolean | null; detail: string }[];
  markdown: string;
}

/** A certificate for Embed Certificates / Build Bundle: a block of a workspace file, a Mozilla root, or PEM text (a fetched chain). */
export type CertificateRef =
  | { kind: 'file'; uri: string; index: number }
  | { kind: 'mozilla'; sha256: string }
  | { kind: 'pem'; pem: string };

export interface CertificateChoice {
  ref: CertificateRef;
  /** The CA's usual name or CN. */
  label: string;
  /** Where it is from: a relative path, "Mozilla", the bundle lists it is in. */
  description: string;
  /** Subject, role, expiry. */
  detail: string;
  /** In ESP-IDF's CMN bundle of the project's release (Mozilla roots only). */
  inCmn?: boolean;
  expired?: boolean;
}

/** The certificates one can pick for a project (the one `uri` belongs to). */
export interface CertificateChoicesParams { uri: string }
export interface CertificateChoicesResult {
  /** The project folder, or null when `uri` is in none. */
  project: string | null;
  /** "5.5" (and "(assumed)" when no file says). */
  idf: string;
  files: CertificateChoice[];
  mozilla: CertificateChoice[];
}

export type EmbedForm = 'pem-file' | 'custom-bundle' | 'c-array';

export interface EmbedPlanParams {
  /** A file of the project; with `position`, the TLS config there is pointed at the result. */
  uri: string;
  position?: { line: number; character: number };
  certs: CertificateRef[];
  form: EmbedForm;
  /** File stem or C name (made safe and unique by the server). */
  name?: string;
  /** custom-bundle: add to the default FULL/CMN list instead of replacing it. */
  keepDefaultBundle?: boolean;
}

export type EmbedPlanResult =
  | {
    ok: true;
    /** One LSP WorkspaceEdit: CreateFile (never overwriting) for new files, text edits for the rest. */
    edit: { documentChanges: unknown[] };
    summary: string[];
    /** Markdown: every file created or edited with the text that goes in, the C snippet, the flash. */
    preview: string;
    flash: { bytes: number; change: number; text: string };
    warnings: string[];
  }
  | { ok: false; error: string };

export const Methods = {
  /** Request ClientAtParams -> ClientAtResult | null. */
  clientAt: 'espTlsLens/clientAt',
  /** Request FetchChainParams -> FetchChainResult (cancellable). Connects to the network: only on a person's request. */
  fetchChain: 'espTlsLens/fetchChain',
  /** Request TrustEditParams -> TrustEditResult. Computes edits; the client applies them. */
  trustEdit: 'espTlsLens/trustEdit',
  /** Request CheckServerParams -> CheckServerResult (cancellable). Connects to the network: only on a person's request. */
  checkServer: 'espTlsLens/checkServer',
  /** Request CertificateChoicesParams -> CertificateChoicesResult. Offline. */
  certificateChoices: 'espTlsLens/certificateChoices',
  /** Request EmbedPlanParams -> EmbedPlanResult. Computes edits; the client previews and applies them. */
  embedPlan: 'espTlsLens/embedPlan',
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
