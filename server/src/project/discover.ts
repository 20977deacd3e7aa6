// Finds the ESP-IDF projects under the workspace roots and builds their model: components, the
// sdkconfig chain in ESP-IDF's merge order, the target, the IDF version and the files to analyse.
// A root may be one project or a folder of them; projects nest (components ship test_apps/ and
// examples/ projects), and a file belongs to the innermost project that contains it.
import type { Stats } from 'fs';
import { statSync } from 'fs';
import { configureReads, mayRead, readText, takeReadSkips } from './read';
import picomatch from 'picomatch';
import * as path from 'path';
import type { EspIdfProject, IdfVersion } from './model';
import { resolveIdfVersion } from './idfVersion';
import { walk, type SkippedFile } from './walk';
import { mergeSdkconfig, parseSdkconfig, unquoteSdkconfigValue } from '../sdkconfig/parse';
import { readInstalledKconfig } from './kconfig/installed';
import { readProjectKconfig } from './kconfig/project';
import { readBuildFolder } from './build/buildFolder';
import { findComponents, isInside } from './components';
import { readTopLevel, type TopLevel } from './cmake/topLevel';
import { buildView } from './buildView';
import { parseCMake } from './cmake/parse';

export interface DiscoveryOptions {
  /** files.exclude-style globs, relative to each root. */
  exclude: string[];
  /** The espTlsLens.idfVersion setting ("" when unset). */
  idfVersionSetting: string;
  /** Where IDF_PATH (and $ENV{...} in CMakeLists) are read from. */
  env: NodeJS.ProcessEnv;
  /** The build folder (Espressif's idf.buildPath, `-B`), absolute or relative to each project; default `build`. */
  buildDir?: string;
  /** An editor's unsaved text of a file: a component's CMakeLists.txt is read from it when open. */
  buffer?: (file: string) => string | undefined;
  /** Cap for configuration files (espTlsLens.maxFileSizeKB); default 2 MB. */
  maxFileBytes?: number;
}

export interface DiscoveryResult {
  projects: EspIdfProject[];
  /** Folders left out with a reason (unreadable), for a note to the user. */
  skipped: SkippedFile[];
}

const PROJECT_CMAKE = /^"?\$(ENV)?\{IDF_PATH\}\/tools\/cmake\/project\.cmake"?$/;

/** True when a CMakeLists.txt is an ESP-IDF project's top-level one: it include()s project.cmake (not in a comment). */
export function isProjectCMakeLists(text: string): boolean {
  // Most CMakeLists.txt of a large tree are components: a substring test spares parsing them.
  if (!text.includes('project.cmake')) return false;
  return parseCMake(text).some((c) => c.name.toLowerCase() === 'include' && PROJECT_CMAKE.test(c.args[0]?.text ?? ''));
}

export async function discoverProjects(roots: string[], opts: DiscoveryOptions): Promise<DiscoveryResult> {
  // Only the folders given, a build folder named by absolute path and ESP-IDF itself are read, whatever the
  // workspace's CMake or sdkconfig names (set(SDKCONFIG /etc/shadow) is refused with a note).
  const buildDir = opts.buildDir && path.isAbsolute(opts.buildDir) ? [opts.buildDir] : [];
  const before = configureReads({ roots: [...roots, ...buildDir, ...(opts.env.IDF_PATH ? [opts.env.IDF_PATH] : [])], configBytes: opts.maxFileBytes ?? 2 * 1024 * 1024 });
  try {
    return await discoverWithin(roots, opts);
  } finally {
    configureReads(before);
  }
}

async function discoverWithin(roots: string[], opts: DiscoveryOptions): Promise<DiscoveryResult> {
  const walks = await Promise.all(outermostRoots(roots).map((r) => walk(r, opts)));
  const files = walks.flatMap((w) => w.files);
  const skipped = walks.flatMap((w) => w.skipped);
  const tops = findProjectCMakeLists(files);
  const owned = assignFiles(files, new Set(tops.keys()));
  const idfPathCache = new Map<string, Promise<IdfVersion | undefined>>();
  const workspace = outermostRoots(roots);
  const projects = await mapLimit([...tops.keys()].sort(), 8, (root) =>
    loadProject(root, tops.get(root) ?? '', owned.get(root) ?? [], opts, idfPathCache, workspace));
  // Components outside every project folder (shared ones) are walked once; those beyond the workspace are not read.
  const walked = new Map<string, string[]>();
  for (const p of projects) {
    const outside = (p.externalDirs ?? []).filter((d) => !mayRead(d));
    for (const dir of outside) skipped.push({ file: dir, reason: 'component folder outside the workspace: not read' });
    p.externalDirs = p.externalDirs?.filter((d) => mayRead(d));
    if (!p.externalDirs?.length) delete p.externalDirs;
    for (const dir of p.externalDirs ?? []) {
      if (!walked.has(dir)) {
        const w = await walk(dir, opts);
        skipped.push(...w.skipped);
        walked.set(dir, w.files);
      }
      p.files = mergeSorted(p.files, walked.get(dir)!);
    }
  }
  // Configuration files the guarded reader refused (a FIFO sdkconfig, a path outside the workspace, ...).
  skipped.push(...takeReadSkips());
  return { projects, skipped };
}

/** The project a file's findings belong to: the innermost project folder that contains it, else the first
 * project that builds it as an outside component. */
export function projectForFile(projects: readonly EspIdfProject[], absPath: string): EspIdfProject | undefined {
  let best: EspIdfProject | undefined;
  for (const p of projects) {
    if (isInside(p.root, absPath) && (!best || p.root.length > best.root.length)) best = p;
  }
  return best ?? projects.find((p) => p.externalDirs?.some((d) => isInside(d, absPath)) || p.externalFiles?.has(absPath));
}

/** Whether `project`'s build uses the file: inside its folder (and no nested project's), or in one of its outside components. */
export function projectUses(projects: readonly EspIdfProject[], project: EspIdfProject, absPath: string): boolean {
  if (project.externalDirs?.some((d) => isInside(d, absPath)) || project.externalFiles?.has(absPath)) return true;
  return isInside(project.root, absPath) && projectForFile(projects, absPath) === project;
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
  const texts = lists.map((f) => readText(f));
  const tops = new Map<string, string>();
  lists.forEach((f, i) => {
    const text = texts[i];
    // A downloaded component's examples and test apps are its authors' projects, never the user's.
    if (text !== undefined && isProjectCMakeLists(text) && !inManagedComponent(f)) tops.set(path.dirname(f), text);
  });
  return tops;
}

const inManagedComponent = (file: string) => /[\\/]managed_components[\\/][^\\/]+[\\/]/.test(file);

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
  idfPathCache: Map<string, Promise<IdfVersion | undefined>>, workspace: string[]): Promise<EspIdfProject> {
  const top = readTopLevel(path.join(root, 'CMakeLists.txt'), cmakeText, root, opts.env);
  const chain = loadSdkconfigChain(root, top);
  const buildDir = path.resolve(root, opts.buildDir || 'build');
  const found = readBuildFolder(buildDir, (ms) => newerSource(ms, [path.join(root, 'CMakeLists.txt'), ...chain.texts.map((t) => t.file)]));
  const build = found && (!found.projectPath || found.projectPath === root) ? found : undefined;
  // The real sdkconfig was written by the IDF that last configured the project: trust it first.
  const isReal = (t: { file: string }): boolean => t.file === chain.sdkconfigFile;
  const lockFile = path.join(root, 'dependencies.lock');
  const lockText = readText(lockFile);
  const idfVersion = await resolveIdfVersion({
    sdkconfigs: [...chain.texts.filter(isReal), ...chain.texts.filter((t) => !isReal(t))],
    lock: lockText === undefined ? undefined : { file: lockFile, text: lockText },
    build: build?.idfVersion && { file: path.join(build.dir, 'project_description.json'), version: build.idfVersion, revision: build.idfRevision },
    setting: opts.idfVersionSetting,
    env: opts.env,
    idfPathCache,
  });
  const components = findComponents({ root, extraDirs: top.extraComponentDirs, env: opts.env, build });
  const project: EspIdfProject = {
    root,
    components,
    sdkconfigChain: chain.texts.map((t) => t.file),
    sdkconfig: mergeSdkconfig(chain.texts),
    sdkconfigFiles: chain.texts.map((t) => parseSdkconfig(t.text, t.file)),
    target: build?.target ?? chain.target,
    idfVersion,
    // The build reads the sdkconfig chain whatever .gitignore says (sdkconfig is often ignored).
    files: mergeSorted(files, chain.texts.map((t) => t.file).filter((f) => isInside(root, f))),
    kconfig: readProjectKconfig(components.map((c) => c.dir), opts.env),
    unknowns: top.unknowns,
    makeBuild: isMakeProject(root),
  };
  if (build) project.build = build;
  const external = components.filter((c) => !c.thirdParty && !isInside(root, c.dir)).map((c) => c.dir);
  if (external.length) project.externalDirs = external;
  if (top.name) project.name = top.name;
  const installed = await readInstalledKconfig(opts.env.IDF_PATH);
  if (installed) project.installedKconfig = installed;
  // What the components compile and embed, read with the configuration now known. A file the build uses
  // is analysed even when .gitignore'd (files.exclude, the user's own choice, still holds).
  const view = buildView(project, opts.env, opts.buffer);
  project.compiled = view.compiled;
  project.cmakeFacts = view.cmakeFacts;
  const excluded = excluder(opts.exclude, root);
  const used = view.usedFiles.filter((f) => !excluded(f) && statOf(f)?.isFile());
  project.files = mergeSorted(project.files, used.filter((f) => isInside(root, f)));
  // A component may name sources beyond its own folder (an SDK's port component compiling `../../src/*.c`):
  // they are this build's too, as long as they are in the workspace (nothing outside it is read).
  const beyond = used.filter((f) => !isInside(root, f) && !external.some((d) => isInside(d, f)) && workspace.some((w) => isInside(w, f)));
  if (beyond.length) {
    project.externalFiles = new Set(beyond);
    project.files = mergeSorted(project.files, [...beyond].sort());
  }
  return project;
}

/** A GNU Make project (ESP-IDF v4 and older): its components' component.mk embeds count too. */
function isMakeProject(root: string): boolean {
  return /include\s+\$\(IDF_PATH\)\/make\/project\.mk/.test(readText(path.join(root, 'Makefile')) ?? '');
}

/** The newest of `files` changed after `ms`, for the stale-build note. */
function newerSource(ms: number, files: string[]): string | undefined {
  return files.find((f) => (statOf(f)?.mtimeMs ?? 0) > ms + 1000);
}

/** files.exclude globs (relative to `root`) as one test. */
function excluder(globs: string[], root: string): (file: string) => boolean {
  const matchers = globs.filter((g) => g.trim() !== '').map((g) => picomatch(g, { dot: true }));
  if (!matchers.length) return () => false;
  return (file) => { const rel = path.relative(root, file).split(path.sep).join('/'); return matchers.some((m) => m(rel)); };
}

/** `a` with the files of `b` it lacks, sorted; `a` itself when nothing is added. */
function mergeSorted(a: string[], b: string[]): string[] {
  const have = new Set(a);
  const extra = b.filter((f) => !have.has(f));
  return extra.length === 0 ? a : [...a, ...new Set(extra)].sort();
}

// ---- sdkconfig chain ------------------------------------------------------------------------

interface SdkconfigChain {
  texts: { file: string; text: string }[];
  sdkconfigFile: string;
  target: string;
}

// ESP-IDF (tools/cmake/kconfig.cmake) passes each SDKCONFIG_DEFAULTS file followed by its
// `<file>.<target>` twin, then loads sdkconfig over them; later values win.
function loadSdkconfigChain(root: string, top: TopLevel): SdkconfigChain {
  const defaultsPaths = top.sdkconfigDefaults ?? [path.join(root, 'sdkconfig.defaults')];
  const sdkconfigFile = top.sdkconfig ?? path.join(root, 'sdkconfig');
  const defaults = readExisting(defaultsPaths);
  const sdkconfig = readExisting([sdkconfigFile]);
  const target = chooseTarget(sdkconfig, defaults, top.target);
  const texts: { file: string; text: string }[] = [];
  for (const d of defaults) {
    texts.push(d, ...readExisting([`${d.file}.${target}`]));
  }
  texts.push(...sdkconfig);
  return { texts, sdkconfigFile, target };
}

/** CONFIG_IDF_TARGET from sdkconfig, else from the defaults, else set(IDF_TARGET) in CMake, else esp32. */
function chooseTarget(sdkconfig: { file: string; text: string }[], defaults: { file: string; text: string }[],
  cmakeTarget: string | undefined): string {
  const fromConfig = (files: { file: string; text: string }[]): string | undefined => {
    const entry = mergeSdkconfig(files).get('CONFIG_IDF_TARGET');
    return validTarget(entry ? unquoteSdkconfigValue(entry.value) : undefined);
  };
  return fromConfig(sdkconfig) ?? fromConfig(defaults) ??
    validTarget(cmakeTarget) ?? 'esp32';
}

/** The target names a file (`sdkconfig.defaults.<target>`), so only plain names are accepted. */
function validTarget(t: string | undefined): string | undefined {
  return t && /^[a-z0-9_]+$/i.test(t) ? t : undefined;
}

// ---- small fs helpers ---------------------------------------------------------------------------

// Discovery reads small files (CMakeLists.txt, sdkconfig; through the guarded reader) and stats folders,
// thousands of them in a large workspace: synchronous calls cost less than a promise each.
/** The files that exist, with their text, in the order given. */
function readExisting(files: string[]): { file: string; text: string }[] {
  const texts = files.map((f) => readText(f));
  return files.flatMap((file, i) => (texts[i] === undefined ? [] : [{ file, text: texts[i] as string }]));
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
