// Walks a folder tree and returns the files worth analysing. It must stay cheap on 200 MB trees:
// one readdir per folder, a .gitignore read only where one exists, a stat only for symlinks (sizes are
// checked when a file is opened: project/read.ts), and no descent into build output, .git or node_modules.
// Synchronous calls: a promise per folder costs more than the readdir itself (a 200 MB tree walks in
// well under 100 ms this way).
import type { Dirent } from 'fs';
import { readdirSync, statSync } from 'fs';
import { readText } from './read';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export type FileKind = 'c' | 'cmake' | 'sdkconfig' | 'cert';

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface WalkOptions {
  /** files.exclude-style globs, relative to the walked root (`**\/.git`, `**\/tmp/**`). */
  exclude: string[];
}

export interface WalkResult {
  /** Absolute paths, sorted. */
  files: string[];
  skipped: SkippedFile[];
}

const cExtensions = new Set(['.c', '.h', '.cpp', '.cc', '.cxx', '.hpp', '.hh', '.hxx', '.inc', '.ino']);
const certExtensions = new Set(['.pem', '.crt', '.cer', '.der', '.key']);

/** What kind of analysable file a name is, or undefined when the analyser has no use for it. */
export function fileKind(name: string): FileKind | undefined {
  const lower = name.toLowerCase();
  const ext = path.extname(lower);
  if (cExtensions.has(ext)) return 'c';
  if (name === 'CMakeLists.txt' || ext === '.cmake' || name === 'component.mk') return 'cmake';
  if (isSdkconfigName(name)) return 'sdkconfig';
  if (certExtensions.has(ext)) return 'cert';
  return undefined;
}

/** sdkconfig, sdkconfig.defaults[.*], sdkconfig.ci*; not sdkconfig.old (menuconfig's backup). */
export function isSdkconfigName(name: string): boolean {
  return name === 'sdkconfig' || name === 'sdkconfig.defaults' ||
    name.startsWith('sdkconfig.defaults.') || name.startsWith('sdkconfig.ci');
}

/** Folders never entered: VCS data, npm packages and ESP-IDF build output (build, build-esp32s3, build_x). */
export function isSkippedDirName(name: string): boolean {
  return name === '.git' || name === 'node_modules' || name === 'build' || /^build[-_.]/.test(name);
}

interface IgnoreLayer {
  /** Folder of the .gitignore, relative to the walk root, '' or ending in '/'. */
  base: string;
  ig: Ignore;
}

interface WalkContext {
  root: string;
  excluded: (rel: string) => boolean;
  files: string[];
  skipped: SkippedFile[];
}

export async function walk(root: string, opts: WalkOptions): Promise<WalkResult> {
  const absRoot = path.resolve(root);
  const matchers = opts.exclude.filter((g) => g.trim() !== '').map((g) => picomatch(g, { dot: true }));
  const ctx: WalkContext = {
    root: absRoot,
    excluded: (rel) => matchers.some((m) => m(rel)),
    files: [],
    skipped: [],
  };
  walkDir(ctx, absRoot, '', []);
  ctx.files.sort();
  ctx.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files: ctx.files, skipped: ctx.skipped };
}

function walkDir(ctx: WalkContext, dir: string, rel: string, layers: IgnoreLayer[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    ctx.skipped.push({ file: dir, reason: `folder could not be read (${errorCode(e)})` });
    return;
  }
  const own = entries.some((e) => e.name === '.gitignore' && !e.isDirectory())
    ? readGitignore(path.join(dir, '.gitignore'), rel)
    : undefined;
  const active = own ? [...layers, own] : layers;
  for (const entry of entries) {
    const childRel = rel + entry.name;
    const childAbs = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isSkippedDirName(entry.name) || isIgnored(ctx, active, childRel, true) || isManagedExample(childRel)) continue;
      walkDir(ctx, childAbs, childRel + '/', active);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && fileKind(entry.name)) {
      if (isIgnored(ctx, active, childRel, false)) continue;
      // Symlinked folders are never followed (no loops); a symlink counts when it leads to a file.
      if (entry.isFile() || leadsToFile(childAbs)) ctx.files.push(childAbs);
    } else if (fileKind(entry.name) && !isIgnored(ctx, active, childRel, false)) {
      ctx.skipped.push({ file: childAbs, reason: 'not a regular file (a FIFO, socket or device): not read' });
    }
  }
}

/** A downloaded component's examples and test apps: its authors' projects, not part of the user's build. */
const isManagedExample = (rel: string) => /(^|\/)managed_components\/[^/]+\/(examples|test_apps|test)$/.test(rel);

// files.exclude and .gitignore both apply to the path relative to the root. managed_components/ is
// exempt from .gitignore: people are told to ignore it (the component manager re-downloads it), but
// the build still compiles it, so its embeds and certificates are facts other files depend on.
const inManagedComponents = /(^|\/)managed_components(\/|$)/;

function isIgnored(ctx: WalkContext, layers: IgnoreLayer[], rel: string, isDir: boolean): boolean {
  if (ctx.excluded(rel)) return true;
  if (inManagedComponents.test(rel)) return false;
  return isGitignored(layers, rel, isDir);
}

/** Git's rule: the deepest .gitignore that has an opinion (ignore or `!` re-include) decides. */
function isGitignored(layers: IgnoreLayer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of layers) {
    const local = rel.slice(base.length) + (isDir ? '/' : '');
    try {
      const r = ig.test(local);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    } catch {
      // `ignore` rejects names it cannot express as a relative path; treat them as not ignored.
    }
  }
  return ignored;
}

function leadsToFile(link: string): boolean {
  try {
    return statSync(link).isFile();
  } catch {
    return false; // dangling, a loop, or not ours to read
  }
}

/** A .gitignore is a few hundred lines; every path is matched against every pattern, so a huge one is refused. */
const GITIGNORE_BYTES = 256 * 1024;

function readGitignore(file: string, base: string): IgnoreLayer | undefined {
  const text = readText(file, GITIGNORE_BYTES, 'the limit for a .gitignore');
  return text === undefined ? undefined : { base, ig: ignore().add(text) };
}

/** The note for a file over the size limit; the analyzer uses it for editor buffers too. */
export function tooLargeReason(size: number, maxBytes: number, limit = 'espTlsLens.maxFileSizeKB'): string {
  return `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit (${limit})`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? String(e);
}
