// The analyzer owns the state of an analysis: which projects exist, the text of every file (from disk or
// from an editor buffer), the facts extracted from it (cached by content hash) and the findings. The
// language server and the CLI both drive this one class, so nothing is computed twice.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { analyseFile, isAnalysed, type Outcome } from './fileFacts';
import { fieldHover, wordAt } from './c/fieldHover';
import { discoverProjects, isThirdParty, projectForFile, projectUses } from './project/discover';
import { splitCompiled } from './rules/notCompiled';
import { completeOption, optionHover, type OptionCompletion } from './sdkconfig/assist';
import { decodeCode } from './mbedtls/decode';
import { decodedMarkdown } from './mbedtls/markdown';
import { certificateHover } from './x509/hover';
import type { EspIdfProject } from './project/model';
import { formatIdfVersion } from './project/idfVersion';
import type { FileFacts, RuleContext } from './rules/context';
import type { Finding, Position, Range } from './rules/finding';
import { tlsClients, type TlsClient } from './rules/clients';
import { runRules } from './rules/index';
import { rangeContains } from './positions';
import { trustLenses, type TrustLens } from './rules/trustLens';
import { reproduceLenses } from './rules/reproduceLens';
import { macroEnvFor } from './sdkconfig/macros';
import { explainLogExcerpt } from './rules/logTlsFailure';
import { defaultSettings, type Settings } from './settings';

export interface AnalyzerOptions {
  settings?: Settings;
  /** Globs like VS Code's files.exclude, relative to a root. */
  exclude?: string[];
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** The build folder (idf.buildPath, `-B`), absolute or relative to each project; default `build`. */
  buildDir?: string;
  /**
   * Says nothing (no findings, lenses or hovers) while the roots hold no ESP-IDF project: the editor's server
   * in a plain C or CMake workspace. The command line analyses what it is given, project or not.
   */
  onlyInProjects?: boolean;
}

/** A file that was not analysed, and why (binary, too large, unreadable). */
export interface SkippedFile { file: string; reason: string }

/** Changes to these files change the project model itself (components, sdkconfig chain, IDF version). */
const MODEL_FILE = /(^|[\\/])(CMakeLists\.txt|component\.mk|Kconfig(\.projbuild)?|idf_component\.yml|dependencies\.lock|project_description\.json|sdkconfig(\.defaults(\.[\w.-]+)?)?)$/;

export class Analyzer {
  private settings: Settings;
  private exclude: string[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => Date;
  private buildDir?: string;
  private readonly onlyInProjects: boolean;
  private roots: string[] = [];
  private projects: EspIdfProject[] = [];
  private readonly overlays = new Map<string, string>();
  private readonly fileFacts = new Map<string, FileFacts>();
  private readonly factsByHash = new Map<string, Omit<FileFacts, 'file'>>();
  private readonly skipped = new Map<string, string>();
  private findingsByFile = new Map<string, Finding[]>();
  private lensesByFile = new Map<string, TrustLens[]>();

  constructor(opts: AnalyzerOptions = {}) {
    this.settings = opts.settings ?? defaultSettings;
    this.exclude = opts.exclude ?? [];
    this.env = opts.env ?? process.env;
    this.now = opts.now ?? (() => new Date());
    this.buildDir = opts.buildDir;
    this.onlyInProjects = opts.onlyInProjects ?? false;
  }

  /** Whether the analysis speaks at all (see AnalyzerOptions.onlyInProjects). */
  get silent(): boolean { return this.onlyInProjects && !this.projects.length; }

  /** Finds the ESP-IDF projects under `roots` and extracts facts from every file that can matter. */
  async index(roots: string[]): Promise<void> {
    this.roots = roots.map((r) => path.resolve(r));
    await this.rediscover();
  }

  configure(settings: Settings, exclude: string[], buildDir?: string): void {
    this.settings = settings;
    this.exclude = exclude;
    this.buildDir = buildDir;
  }

  async rediscover(): Promise<void> {
    const { projects, skipped } = await discoverProjects(this.roots, {
      exclude: this.exclude,
      idfVersionSetting: this.settings.idfVersion,
      env: this.env,
      buildDir: this.buildDir,
      buffer: (file) => this.overlays.get(file),
      maxFileBytes: this.settings.maxFileSizeKB * 1024,
    });
    this.projects = projects;
    this.skipped.clear(); // the walk and the reads below say afresh what is skipped
    for (const s of skipped) this.skipped.set(s.file, s.reason);
    // Discovery saw each project file as a regular file: the reader need not test it again.
    const walked = new Set(projects.flatMap((p) => p.files).filter(isAnalysed));
    const wanted = new Set(walked);
    for (const f of this.overlays.keys()) wanted.add(f);
    for (const f of this.fileFacts.keys()) if (!wanted.has(f)) this.fileFacts.delete(f);
    await inSlices([...wanted], (f) => this.refresh(f, walked.has(f)));
    this.recompute();
  }

  /** An editor buffer now holds `text` for `file`; returns the files whose findings changed. */
  async setOverlay(file: string, text: string): Promise<string[]> {
    this.overlays.set(file, text);
    // The project model is read again when a model file is saved (or the workspace re-checked), not per
    // keystroke; its CMakeLists.txt files are then read from their buffers, like every analysed file.
    return MODEL_FILE.test(file) ? [] : this.fileChanged(file);
  }

  /** The editor closed `file`: from now on its text comes from disk again. */
  async dropOverlay(file: string): Promise<string[]> {
    this.overlays.delete(file);
    return MODEL_FILE.test(file) ? [] : this.fileChanged(file);
  }

  /**
   * Files were created or deleted on disk: what the build compiles (SRC_DIRS, file(GLOB)) and which embedded
   * files exist may have changed, so the model is read again (once for a whole batch, such as a checkout).
   */
  async filesCreatedOrDeleted(): Promise<string[]> {
    const before = this.findingsByFile;
    if (this.roots.length) await this.rediscover();
    return changedFiles(before, this.findingsByFile);
  }

  /** `file` changed on disk (or in a buffer): re-extract it and re-run the rules of its project. */
  async fileChanged(file: string): Promise<string[]> {
    const before = this.findingsByFile;
    if (MODEL_FILE.test(file) && this.roots.length) {
      await this.rediscover();
    } else {
      const old = this.fileFacts.get(file);
      await this.refresh(file);
      this.pruneFactsCache(); // also when the rules are skipped below: every keystroke adds a content hash
      // Most keystrokes change no fact (typing inside a function that holds no TLS call): the rules,
      // which read facts only, would say the same again. Skipping them keeps typing cheap in a large project.
      if (sameFacts(old, this.fileFacts.get(file))) return [];
      this.recompute(file);
    }
    return changedFiles(before, this.findingsByFile);
  }

  findings(): ReadonlyMap<string, Finding[]> { return this.findingsByFile; }
  findingsFor(file: string): Finding[] { return this.findingsByFile.get(file) ?? []; }
  lensesFor(file: string): TrustLens[] { return this.lensesByFile.get(file) ?? []; }
  allLenses(): ReadonlyMap<string, TrustLens[]> { return this.lensesByFile; }

  /** Hover at `position` of `file` (current text `text`): a TLS config field, or a certificate. */
  hover(file: string, text: string, position: Position): { markdown: string; range: Range } | undefined {
    if (this.silent) return undefined;
    const project = projectForFile(this.projects, file);
    const word = wordAt(text, position);
    if (word && /^CONFIG_\w+$/.test(word.text)) {
      const markdown = optionHover(word.text, project);
      if (markdown) return { markdown, range: word.range };
    }
    // A diagnostic at the position already says what is wrong: the hover adds only what it does not.
    const explained = this.findingsFor(file).some((f) => rangeContains(f.range, position));
    const code = word && errorCodeAt(position, word);
    if (code) {
      const decoded = this.decode(code.text, file);
      if (decoded.ok) return { markdown: decodedMarkdown(decoded.results, explained), range: code.range };
    }
    const facts = this.fileFacts.get(file);
    if (!facts) return undefined;
    const field = facts.c && fieldHover(facts.c, text, position, project?.idfVersion, explained);
    if (field) return field;
    const projectFacts = this.factsIn(project);
    return certificateHover(facts, projectFacts, position, this.now(), word, explained);
  }

  /** Decodes an error code for the Mbed TLS version of `file`'s project (both versions when unknown). */
  decode(input: string, file?: string): ReturnType<typeof decodeCode> {
    const v = file ? projectForFile(this.projects, file)?.idfVersion : undefined;
    return decodeCode(input, { idfVersion: v && v.source !== 'assumed' ? formatIdfVersion(v) : undefined });
  }

  /** The Decode command's input explained: one code (any form), else a pasted log excerpt's TLS failures,
   *  weighed against `file`'s project when one is open. */
  explain(input: string, file?: string): { ok: boolean; markdown: string } {
    const decoded = this.decode(input, file);
    if (decoded.ok) return { ok: true, markdown: decodedMarkdown(decoded.results) };
    const log = explainLogExcerpt(file ? this.contextFor(file) : this.ruleContext(undefined, []), input);
    return log ? { ok: true, markdown: log } : { ok: false, markdown: decoded.error };
  }

  /** Option names and values for the sdkconfig line `linePrefix` (the text before the cursor). */
  completeSdkconfig(file: string, linePrefix: string): OptionCompletion[] {
    return completeOption(linePrefix, projectForFile(this.projects, file));
  }
  allProjects(): readonly EspIdfProject[] { return this.projects; }
  projectOf(file: string): EspIdfProject | undefined { return projectForFile(this.projects, file); }
  get currentSettings(): Settings { return this.settings; }
  /** The facts extracted from one file, if it was analysed. */
  factsOf(file: string): FileFacts | undefined { return this.fileFacts.get(file); }

  /** What the rules see for `file`'s project (or the file alone, outside any project). */
  contextFor(file: string): RuleContext {
    const project = projectForFile(this.projects, file);
    const files = project ? this.factsIn(project) : [this.fileFacts.get(file)].filter((f): f is FileFacts => !!f);
    return this.ruleContext(project, files);
  }

  /** The TLS client whose config holds `position`, else the nearest one above it, else the first below (a
   * position from before an edit that added lines above the config still finds it). */
  clientAt(file: string, position: Position): { client: TlsClient; ctx: RuleContext } | undefined {
    const ctx = this.contextFor(file);
    const inFile = tlsClients(ctx).filter((c) => c.file === file && c.tls !== 'no');
    const span = (c: TlsClient) => c.config?.range ?? c.initCall?.statementRange ?? c.anchor;
    const client = inFile.find((c) => rangeContains(span(c), position))
      ?? inFile.filter((c) => c.anchor.start.line <= position.line).sort((a, b) => b.anchor.start.line - a.anchor.start.line)[0]
      ?? inFile.sort((a, b) => a.anchor.start.line - b.anchor.start.line)[0];
    return client && { client, ctx };
  }

  /** The files that yielded facts: most of a workspace yields none (the prefilter drops it) and no rule needs those. */
  private *withFacts(): Iterable<FileFacts> {
    for (const f of this.fileFacts.values()) if (f.hash !== '') yield f;
  }

  /** The facts of every file `project`'s build uses (its folder and its outside components); without a project, the loose files. */
  private factsIn(project: EspIdfProject | undefined): FileFacts[] {
    const uses = project ? (f: string) => projectUses(this.projects, project, f) : (f: string) => !projectForFile(this.projects, f);
    return [...this.withFacts()].filter((f) => uses(f.file));
  }

  /** Only compiled files are firmware: sources no component compiles are left out of the rules' view. */
  private ruleContext(project: EspIdfProject | undefined, all: FileFacts[]): RuleContext {
    const { compiled: files, notCompiled } = splitCompiled(project, all);
    return { files, notCompiled, project, macros: macroEnvFor(project), now: this.now(), exists: existsSync, expiryWarningDays: this.settings.expiryWarningDays };
  }
  skippedFiles(): SkippedFile[] { return [...this.skipped].map(([file, reason]) => ({ file, reason })); }
  analysedFileCount(): number { return this.fileFacts.size; }

  /** Re-reads `file` (`regular`: discovery just saw it as a regular file); a promise only when its facts are being extracted (see inSlices). */
  private refresh(file: string, regular = false): void | Promise<void> {
    if (!isAnalysed(file)) return;
    const outcome = analyseFile(file, {
      text: this.overlays.get(file),
      regular,
      maxBytes: this.settings.maxFileSizeKB * 1024,
      project: projectForFile(this.projects, file),
      known: (hash) => this.factsByHash.has(hash),
    });
    if (!(outcome instanceof Promise)) return this.apply(file, outcome);
    return outcome.then((o) => this.apply(file, o));
  }

  /** Records what reading `file` gave. */
  private apply(file: string, outcome: Outcome): void {
    if (outcome.kind === 'skipped') this.skipped.set(file, outcome.reason);
    else this.skipped.delete(file);
    switch (outcome.kind) {
      case 'skipped': case 'missing': this.fileFacts.delete(file); return;
      case 'none': this.fileFacts.set(file, { file, hash: '', ...outcome.facts }); return; // '' marks "no facts": withFacts()
    }
    const known = this.factsByHash.get(outcome.hash);
    if (!known && !outcome.facts) { this.fileFacts.delete(file); return; } // cannot happen: known() just said it is there
    const facts = known ?? { hash: outcome.hash, ...outcome.facts };
    if (!known) this.factsByHash.set(outcome.hash, facts);
    this.fileFacts.set(file, { file, ...facts });
  }

  /**
   * Every edit of a buffer adds the facts of a new content: keep those in use and a few recent others (an
   * undo finds them). Few: the facts of a large file weigh half a megabyte, and a session of thousands of
   * edits must not grow with them (measured in docs/BENCHMARKS.md).
   */
  private pruneFactsCache(): void {
    if (this.factsByHash.size <= this.fileFacts.size + 32) return;
    const inUse = new Set([...this.fileFacts.values()].map((f) => f.hash));
    for (const hash of this.factsByHash.keys()) {
      if (this.factsByHash.size <= inUse.size + 16) break;
      if (!inUse.has(hash)) this.factsByHash.delete(hash); // oldest first: Map keeps insertion order
    }
  }

  /**
   * Re-runs the rules per project; files outside every project (an open loose file) run on their own.
   * After an edit only the edited file's project is re-run: the other projects' findings are kept as they are.
   */
  private recompute(changed?: string): void {
    if (this.silent) {
      this.findingsByFile = new Map();
      this.lensesByFile = new Map();
      return;
    }
    // A changed file re-runs every project whose build uses it; the others keep their findings.
    const runs: (EspIdfProject | undefined)[] = changed === undefined ? [...this.projects, undefined]
      : [...this.projects.filter((p) => projectUses(this.projects, p, changed)), ...(projectForFile(this.projects, changed) ? [] : [undefined])];
    const rerun = new Set(runs);
    const owner = (file: string) => projectForFile(this.projects, file);
    const byFile = new Map([...this.findingsByFile].filter(([file]) => !rerun.has(owner(file))));
    const lenses = new Map([...this.lensesByFile].filter(([file]) => !rerun.has(owner(file))));
    for (const project of runs) {
      const all = this.factsIn(project);
      if (!all.length) continue;
      const ctx = this.ruleContext(project, all);
      const findings = runRules(ctx, this.settings.rules);
      // A shared component is judged in the project that owns its folder (or the first that builds it): once.
      const mine = (file: string) => owner(file) === project;
      for (const lens of [...trustLenses(ctx), ...reproduceLenses(ctx)]) if (mine(lens.file)) lenses.set(lens.file, [...(lenses.get(lens.file) ?? []), lens]);
      for (const f of findings) {
        if (!mine(f.file)) continue;
        if (project && !this.settings.showManagedComponentFindings && isThirdParty(project, f.file)) continue;
        const list = byFile.get(f.file) ?? [];
        list.push(f);
        byFile.set(f.file, list);
      }
    }
    this.findingsByFile = byFile;
    this.lensesByFile = lenses;
    this.pruneFactsCache();
  }
}

/** An error code or name under the cursor: -0x2700, 0x801A, -9984 (with its sign), MBEDTLS_ERR_*, ESP_ERR_*. */
function errorCodeAt(position: Position, word: { text: string; before: string; range: Range }): { text: string; range: Range } | undefined {
  if (/^(MBEDTLS_ERR|ESP_ERR|MBEDTLS_X509_BADCERT|MBEDTLS_X509_BADCRL)_\w+$/.test(word.text)) return word;
  const hex = /^0x[0-9A-Fa-f]{2,8}$/.test(word.text);
  const negative = /-\s*$/.test(word.before);
  if (!hex && !(negative && /^\d{3,5}$/.test(word.text))) return undefined;
  const start = negative ? { line: position.line, character: word.before.replace(/-\s*$/, '').length } : word.range.start;
  return { text: `${negative ? '-' : ''}${word.text}`, range: { start, end: word.range.end } };
}

function sameFacts(a: FileFacts | undefined, b: FileFacts | undefined): boolean {
  if (!a || !b) return a === b;
  return a.hash === b.hash || isDeepStrictEqual({ ...a, hash: '' }, { ...b, hash: '' });
}

function changedFiles(before: ReadonlyMap<string, Finding[]>, after: ReadonlyMap<string, Finding[]>): string[] {
  const files = new Set([...before.keys(), ...after.keys()]);
  // Findings of projects that were not re-run keep their array: identity settles most files at once.
  return [...files].filter((f) => before.get(f) !== after.get(f) && JSON.stringify(before.get(f) ?? []) !== JSON.stringify(after.get(f) ?? []));
}

/** Extractions in flight at once while indexing: the worker parses one file while this thread reads the next ones. */
const IN_FLIGHT = 8;

/**
 * Runs `fn` over `items` in slices of about 20 ms, yielding to the event loop between slices: reads are
 * synchronous (project/read.ts), and a language server must go on answering while it indexes. Up to
 * IN_FLIGHT extractions (the promises `fn` returns) run at once; the first failure is thrown once all ended.
 */
async function inSlices<T>(items: T[], fn: (t: T) => void | Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let sliceStart = performance.now();
  for (const item of items) {
    const pending = fn(item); // most files are done without one: no microtask turn for them
    if (pending) {
      const settled: Promise<void> = pending.then(() => {}, (error: unknown) => { failure ??= { error }; }).finally(() => inFlight.delete(settled));
      inFlight.add(settled);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    if (failure) break;
    if (performance.now() - sliceStart > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}
