// Finds the ESP-IDF projects under the workspace roots and builds their model: components, the
// sdkconfig chain in ESP-IDF's merge order, the target, the IDF version and the files to analyse.
// A root may be one project or a folder of them; projects nest (components ship test_apps/ and
// examples/ projects), and a file belongs to the innermost project that contains it.
import type { Dirent, Stats } from 'fs';
import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import type { Component, EspIdfProject, IdfVersion } from './model';
import { resolveIdfVersion } from './idfVersion';
import { walk, type SkippedFile } from './walk';
import { mergeSdkconfig, parseSdkconfig, unquoteSdkconfigValue } from '../sdkconfig/parse';
import { readInstalledKconfig } from './idfKconfig';

export interface DiscoveryOptions {
  /** files.exclude-style globs, relative to each root. */
  exclude: string[];
  /** The espTlsLens.idfVersion setting ("" when unset). */
  idfVersionSetting: string;
  /** Where IDF_PATH (and $ENV{...} in CMakeLists) are read from. */
  env: NodeJS.ProcessEnv;
}

export interface DiscoveryResult {
  projects: EspIdfProject[];
  /** Folders left out with a reason (unreadable), for a note to the user. */
  skipped: SkippedFile[];
}

const includesProjectCmake = /include\s*\(\s*"?\$(ENV)?\{IDF_PATH\}\/tools\/cmake\/project\.cmake/i;

/** True when a CMakeLists.txt is an ESP-IDF project's top-level one. */
export function isProjectCMakeLists(text: string): boolean {
  return includesProjectCmake.test(stripCMakeComments(text));
}

export async function discoverProjects(roots: string[], opts: DiscoveryOptions): Promise<DiscoveryResult> {
  const walks = await Promise.all(outermostRoots(roots).map((r) => walk(r, opts)));
  const files = walks.flatMap((w) => w.files);
  const skipped = walks.flatMap((w) => w.skipped);
  const tops = findProjectCMakeLists(files);
  const owned = assignFiles(files, new Set(tops.keys()));
  const idfPathCache = new Map<string, Promise<IdfVersion | undefined>>();
  const projects = await mapLimit([...tops.keys()].sort(), 8, (root) =>
    loadProject(root, tops.get(root) ?? '', owned.get(root) ?? [], opts, idfPathCache));
  return { projects, skipped };
}

/** The innermost project whose folder contains absPath. */
export function projectForFile(projects: EspIdfProject[], absPath: string): EspIdfProject | undefined {
  let best: EspIdfProject | undefined;
  for (const p of projects) {
    if (isInside(p.root, absPath) && (!best || p.root.length > best.root.length)) best = p;
  }
  return best;
}

/** Third-party code (managed_components/, components taken from IDF_PATH): analysed, findings hidden by default. */
export function isThirdParty(project: EspIdfProject, absPath: string): boolean {
  return isInside(path.join(project.root, 'managed_components'), absPath) ||
    project.components.some((c) => c.thirdParty && isInside(c.dir, absPath));
}

// ---- projects and their files -------------------------------------------------------------

/** A workspace folder nested in another would be walked twice; keep the outer one. */
function outermostRoots(roots: string[]): string[] {
  const abs = [...new Set(roots.map((r) => path.resolve(r)))].sort();
  return abs.filter((r) => !abs.some((o) => o !== r && isInside(o, r)));
}

/** Project root -> text of its CMakeLists.txt, for every CMakeLists.txt that includes project.cmake. */
function findProjectCMakeLists(files: string[]): Map<string, string> {
  const lists = files.filter((f) => path.basename(f) === 'CMakeLists.txt');
  const texts = lists.map(readText);
  const tops = new Map<string, string>();
  lists.forEach((f, i) => {
    const text = texts[i];
    if (text !== undefined && isProjectCMakeLists(text)) tops.set(path.dirname(f), text);
  });
  return tops;
}

/** Each file goes to the innermost project folder above it; files outside every project are dropped. */
function assignFiles(files: string[], roots: Set<string>): Map<string, string[]> {
  const owned = new Map<string, string[]>();
  for (const file of files) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (roots.has(dir)) {
        const list = owned.get(dir) ?? [];
        list.push(file);
        owned.set(dir, list);
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return owned;
}

async function loadProject(root: string, cmakeText: string, files: string[], opts: DiscoveryOptions,
  idfPathCache: Map<string, Promise<IdfVersion | undefined>>): Promise<EspIdfProject> {
  const cmake = stripCMakeComments(cmakeText);
  const chain = loadSdkconfigChain(root, cmake, opts.env);
  // The real sdkconfig was written by the IDF that last configured the project: trust it first.
  const isReal = (t: { file: string }): boolean => t.file === chain.sdkconfigFile;
  const idfVersion = await resolveIdfVersion({
    sdkconfigs: [...chain.texts.filter(isReal), ...chain.texts.filter((t) => !isReal(t))],
    setting: opts.idfVersionSetting,
    env: opts.env,
    idfPathCache,
  });
  const project: EspIdfProject = {
    root,
    components: findComponents(root, cmake, opts.env),
    sdkconfigChain: chain.texts.map((t) => t.file),
    sdkconfig: mergeSdkconfig(chain.texts),
    sdkconfigFiles: chain.texts.map((t) => parseSdkconfig(t.text, t.file)),
    target: chain.target,
    idfVersion,
    files: withChain(files, chain.texts.map((t) => t.file), root),
  };
  const name = /\bproject\s*\(\s*"?([A-Za-z0-9_.+-]+)/i.exec(cmake)?.[1];
  if (name) project.name = name;
  const installed = await readInstalledKconfig(opts.env.IDF_PATH);
  if (installed) project.installedKconfig = installed;
  return project;
}

/**
 * The walk's files plus the sdkconfig chain files inside the project. The build reads those whatever
 * .gitignore says (sdkconfig is often ignored) and whatever SDKCONFIG_DEFAULTS names them.
 */
function withChain(files: string[], chain: string[], root: string): string[] {
  const extra = chain.filter((f) => isInside(root, f) && !files.includes(f));
  return extra.length === 0 ? files : [...files, ...extra].sort();
}

// ---- sdkconfig chain ------------------------------------------------------------------------

interface SdkconfigChain {
  texts: { file: string; text: string }[];
  sdkconfigFile: string;
  target: string;
}

// ESP-IDF (tools/cmake/kconfig.cmake) passes each SDKCONFIG_DEFAULTS file followed by its
// `<file>.<target>` twin, then loads sdkconfig over them; later values win.
function loadSdkconfigChain(root: string, cmake: string, env: NodeJS.ProcessEnv): SdkconfigChain {
  const listed = cmakeListValue(cmake, 'SDKCONFIG_DEFAULTS');
  const defaultsPaths = listed
    ? listed.map((v) => resolveCMakePath(v, root, env)).filter((p): p is string => p !== undefined)
    : [path.join(root, 'sdkconfig.defaults')];
  const sdkconfigFile = resolveCMakePath(cmakeListValue(cmake, 'SDKCONFIG')?.[0] ?? '', root, env) ??
    path.join(root, 'sdkconfig');
  const defaults = readExisting(defaultsPaths);
  const sdkconfig = readExisting([sdkconfigFile]);
  const target = chooseTarget(sdkconfig, defaults, cmake);
  const texts: { file: string; text: string }[] = [];
  for (const d of defaults) {
    texts.push(d, ...readExisting([`${d.file}.${target}`]));
  }
  texts.push(...sdkconfig);
  return { texts, sdkconfigFile, target };
}

/** CONFIG_IDF_TARGET from sdkconfig, else from the defaults, else set(IDF_TARGET) in CMake, else esp32. */
function chooseTarget(sdkconfig: { file: string; text: string }[], defaults: { file: string; text: string }[],
  cmake: string): string {
  const fromConfig = (files: { file: string; text: string }[]): string | undefined => {
    const entry = mergeSdkconfig(files).get('CONFIG_IDF_TARGET');
    return validTarget(entry ? unquoteSdkconfigValue(entry.value) : undefined);
  };
  return fromConfig(sdkconfig) ?? fromConfig(defaults) ??
    validTarget(cmakeListValue(cmake, 'IDF_TARGET')?.[0]) ?? 'esp32';
}

/** The target names a file (`sdkconfig.defaults.<target>`), so only plain names are accepted. */
function validTarget(t: string | undefined): string | undefined {
  return t && /^[a-z0-9_]+$/i.test(t) ? t : undefined;
}

// ---- components -----------------------------------------------------------------------------

function findComponents(root: string, cmake: string, env: NodeJS.ProcessEnv): Component[] {
  const found = new Map<string, Component>();
  const add = (dir: string, thirdParty: boolean): void => {
    if (!found.has(dir)) found.set(dir, { name: path.basename(dir), dir, thirdParty });
  };
  const idfPath = env.IDF_PATH ? path.resolve(env.IDF_PATH) : undefined;
  const fromIdf = (dir: string): boolean => idfPath !== undefined && isInside(idfPath, dir);

  if (isDir(path.join(root, 'main'))) add(path.join(root, 'main'), false);
  for (const dir of componentDirsIn(path.join(root, 'components'))) add(dir, false);
  for (const value of cmakeListValue(cmake, 'EXTRA_COMPONENT_DIRS') ?? []) {
    const dir = resolveCMakePath(value, root, env);
    if (!dir) continue;
    // A listed folder is either a component itself or a folder of components.
    if (isFile(path.join(dir, 'CMakeLists.txt'))) add(dir, fromIdf(dir));
    else for (const sub of componentDirsIn(dir)) add(sub, fromIdf(sub));
  }
  for (const dir of componentDirsIn(path.join(root, 'managed_components'))) add(dir, true);
  return [...found.values()];
}

/** Sub-folders of `parent` that hold a CMakeLists.txt, sorted. */
function componentDirsIn(parent: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(parent, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs = entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => path.join(parent, e.name));
  return dirs.filter((d) => isFile(path.join(d, 'CMakeLists.txt'))).sort();
}

// ---- a little CMake ---------------------------------------------------------------------------

/** Drops `# ...` comments (outside quotes) so commented-out lines are not taken for settings. */
export function stripCMakeComments(text: string): string {
  return text.split('\n').map((line) => {
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === '\\') i++;
      else if (c === '"') quoted = !quoted;
      else if (c === '#' && !quoted) return line.slice(0, i);
    }
    return line;
  }).join('\n');
}

/**
 * The value of a list variable after the top-level file's `set(NAME ...)` and
 * `list(APPEND NAME ...)` calls, split on whitespace and `;` like CMake; undefined if never set.
 * Expects comments already stripped. Control flow (if/else) is not evaluated.
 */
export function cmakeListValue(cmake: string, name: string): string[] | undefined {
  const re = new RegExp(`\\b(set|list)\\s*\\(\\s*(APPEND\\s+)?${name}(?=[\\s)])([^)]*)\\)`, 'gi');
  let value: string[] | undefined;
  for (const m of cmake.matchAll(re)) {
    const isList = m[1].toLowerCase() === 'list';
    if (isList !== (m[2] !== undefined)) continue; // list(REMOVE_ITEM ...) and the like; set(APPEND?) no
    const args = cmakeArguments(m[3]);
    value = isList ? [...(value ?? []), ...args] : args;
  }
  return value;
}

function cmakeArguments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|[^\s"]+/g)) {
    const arg = m[1] ?? m[0];
    if (m[1] === undefined && (arg === 'CACHE' || arg === 'PARENT_SCOPE')) break;
    out.push(...arg.split(';').filter((s) => s !== ''));
  }
  return out;
}

/** A CMake path relative to the project root, with the variables a top-level file can use expanded. */
function resolveCMakePath(value: string, root: string, env: NodeJS.ProcessEnv): string | undefined {
  if (value === '') return undefined;
  const rootVars = new Set(['CMAKE_CURRENT_LIST_DIR', 'CMAKE_CURRENT_SOURCE_DIR', 'CMAKE_SOURCE_DIR', 'PROJECT_SOURCE_DIR']);
  let unresolved = false;
  const expanded = value
    .replace(/\$ENV\{(\w+)\}/g, (_, v: string) => env[v] ?? ((unresolved = true), ''))
    .replace(/\$\{(\w+)\}/g, (_, v: string) => {
      if (rootVars.has(v)) return root;
      if (v === 'IDF_PATH' && env.IDF_PATH) return env.IDF_PATH;
      unresolved = true;
      return '';
    });
  return unresolved ? undefined : path.resolve(root, expanded);
}

// ---- small fs helpers ---------------------------------------------------------------------------

// Paths here are absolute and normalized (resolved roots, joined by the walk, or an editor's fsPath), so
// containment is a prefix test: path.relative() per file and project was a tenth of a 200 MB check.
// Windows paths compare without case (VS Code writes c:, Node C:).
const foldCase = process.platform === 'win32' ? (s: string) => s.toLowerCase() : (s: string) => s;

function isInside(dir: string, p: string): boolean {
  const d = foldCase(dir), f = foldCase(p);
  return f === d || f.startsWith(d.endsWith(path.sep) ? d : d + path.sep);
}

// Discovery reads small files (CMakeLists.txt, sdkconfig) and stats folders, thousands of them in a large
// workspace: synchronous calls cost less than a promise each.
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The files that exist, with their text, in the order given. */
function readExisting(files: string[]): { file: string; text: string }[] {
  const texts = files.map(readText);
  return files.flatMap((file, i) => (texts[i] === undefined ? [] : [{ file, text: texts[i] as string }]));
}

function isFile(p: string): boolean {
  return statOf(p)?.isFile() ?? false;
}

function isDir(p: string): boolean {
  return statOf(p)?.isDirectory() ?? false;
}

function statOf(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Promise.all with at most `limit` calls in flight, so thousands of reads don't exhaust file handles. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
