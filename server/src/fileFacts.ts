// What each kind of file yields, and the one path every file takes from bytes to facts: read (or the
// editor's buffer) → size and binary checks → a prefilter on the bytes → content hash → extraction,
// unless the hash is already known.
import { createHash } from 'node:crypto';
import { bytesMayHoldFacts } from './c/extract';
import { extractCFacts } from './c/extractPool';
import { NO_C_FACTS } from './c/facts';
import { findLogEvidence } from './logs/evidence';
import { findTlsLogLines } from './logs/tlsLines';
import { extractCMake } from './project/embeds';
import { cmakeScopeOf } from './project/buildView';
import type { EspIdfProject } from './project/model';
import { readCandidate } from './project/read';
import { TooComplex } from './c/budget';
import { GrammarUnavailable } from './c/parser';
import { tooLargeReason } from './project/walk';
import type { FileFacts } from './rules/context';
import { extractCertFile } from './x509/certFile';

export type Facts = Omit<FileFacts, 'file' | 'hash'>;

interface Extractor {
  test: RegExp;
  /** Facts depend on the file's place too (relative paths in CMake): hashed with the path. */
  perPlace: boolean;
  /** Facts depend on the project model (its configuration decides CMake's if()): hashed with the model's id. */
  perModel?: boolean;
  /** Hashed with the content, for extractors whose facts differ from another's on the same bytes. */
  salt?: string;
  /** Reads bytes as they are (DER certificates); otherwise a file with NUL bytes is skipped as binary. */
  binary: boolean;
  /** A cheap test on the bytes: a file failing it yields `none` without being hashed, decoded or parsed. */
  mayMatter?: (content: Buffer) => boolean;
  none?: Facts;
  extract(content: Buffer, file: string, project?: EspIdfProject): Promise<Facts>;
}

const EXTRACTORS: Extractor[] = [
  {
    test: /\.(c|h|inc)$/i, perPlace: false, binary: false, mayMatter: bytesMayHoldFacts, none: { c: NO_C_FACTS },
    // A `.h` of a C++ project may declare classes: those are read with the C++ grammar.
    extract: async (b, file) => {
      const text = b.toString('utf8');
      return { c: await extractCFacts(text, /\.h$/i.test(file) && looksLikeCpp(text) ? 'cpp' : 'c') };
    },
  },
  // C++ with its own grammar (loaded on the first C++ file that passes the prefilter); salted so that a file
  // with the same bytes as a C file does not share its facts.
  {
    test: /\.(cc|cpp|cxx|hpp|hh|hxx|ino)$/i, perPlace: false, salt: 'c++', binary: false, mayMatter: bytesMayHoldFacts, none: { c: NO_C_FACTS },
    extract: async (b) => ({ c: await extractCFacts(b.toString('utf8'), 'cpp') }),
  },
  // Discovery has read the build's CMake files with the project's configuration: take its facts (a loose
  // CMakeLists.txt is read alone). They depend on the model, so the hash does too (perModel).
  {
    test: /(^|[\\/])(CMakeLists\.txt|component\.mk)$/, perPlace: true, perModel: true, binary: false,
    extract: async (b, file, project) => ({ cmake: project?.cmakeFacts?.get(file) ?? extractCMake(file, b.toString('utf8'), project ? cmakeScopeOf(project) : undefined) }),
  },
  { test: /\.(pem|crt|cer|der|key)$/i, perPlace: false, binary: true, extract: async (b) => ({ certFile: await extractCertFile(b) }) },
  // Monitor captures: *.log, and idf.py monitor's own log.<elf>.<timestamp>.txt.
  { test: /(\.log|(^|[\\/])log\.[^\\/]+\.\d{14}\.txt)$/i, perPlace: false, binary: false, extract: async (b) => { const text = b.toString('utf8'); return { logLines: findTlsLogLines(text), logEvidence: findLogEvidence(text) }; } },
];

/** C++ in a header: a class, namespace or template declaration, or an access specifier. */
const looksLikeCpp = (text: string) => /^\s*(class|namespace|template)\b[^;(]*[{<]|^\s*(public|private|protected)\s*:/m.test(text);

// A project model is rebuilt whenever its configuration may have changed: a new object, a new id.
const modelIds = new WeakMap<EspIdfProject, number>();
let lastModelId = 0;
function modelId(project: EspIdfProject | undefined): number {
  if (!project) return 0;
  let id = modelIds.get(project);
  if (id === undefined) { id = ++lastModelId; modelIds.set(project, id); }
  return id;
}

/** Whether the analyzer has any use for `file`. */
export const isAnalysed = (file: string): boolean => EXTRACTORS.some((x) => x.test.test(file));

export type Outcome =
  /** `facts` is absent when the hash was already known to the asker. */
  | { kind: 'facts'; hash: string; facts?: Facts }
  /** The prefilter found nothing this kind of file could yield. */
  | { kind: 'none'; facts: Facts }
  | { kind: 'skipped'; reason: string }
  /** Gone (or never there): nothing to say. */
  | { kind: 'missing' };

export interface AnalyseOptions {
  /** The editor's text, when it has the file open. */
  text?: string;
  maxBytes: number;
  /** The walk saw a regular file here (the reader then tests the type only if the file is large). */
  regular?: boolean;
  project?: EspIdfProject;
  /** Whether facts for this content hash are already at hand (not extracted again). */
  known(hash: string): boolean;
}

/** Synchronous up to extraction: most files end at the prefilter, and an await each costs more than their check. */
export function analyseFile(file: string, o: AnalyseOptions): Outcome | Promise<Outcome> {
  const x = EXTRACTORS.find((e) => e.test.test(file));
  if (!x) return { kind: 'missing' };
  const content = o.text !== undefined ? Buffer.from(o.text, 'utf8') : undefined;
  const read = content ? (content.length > o.maxBytes ? { skipped: tooLargeReason(content.length, o.maxBytes) } : { content }) : readCandidate(file, o.maxBytes, o.regular);
  if ('missing' in read) return { kind: 'missing' };
  if ('skipped' in read) return { kind: 'skipped', reason: read.skipped };
  if (!content && !x.binary && read.content.subarray(0, 8192).includes(0)) return { kind: 'skipped', reason: 'binary file' };
  if (x.mayMatter && !x.mayMatter(read.content)) return { kind: 'none', facts: x.none ?? {} };
  const hash = createHash('sha1').update(x.salt ? `${x.salt}\0` : '').update(x.perPlace ? file + '\0' : '').update(x.perModel ? `${modelId(o.project)}\0` : '').update(read.content).digest('hex');
  if (o.known(hash)) return { kind: 'facts', hash };
  // A copy: what was read is a view of the reader's shared buffer, and extraction awaits (another read may come).
  return x.extract(Buffer.from(read.content), file, o.project).then(
    (facts): Outcome => ({ kind: 'facts', hash, facts }),
    // One file that defeats the analysis is reported and skipped; it never stops the others. A grammar that
    // cannot load is no file's fault: it fails the analysis, and the status says so.
    (e): Outcome => {
      if (e instanceof GrammarUnavailable) throw new GrammarUnavailable(`${e.message} (reading ${file})`);
      return { kind: 'skipped', reason: e instanceof TooComplex ? `too complex to analyse: ${e.message}` : `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
    },
  );
}
