// What the evaluator knows of the world around one CMake file: the variables ESP-IDF's build defines
// for a component, the project's configuration (CONFIG_* as CMake sees them: `y`, a value, or '' when
// unset), the environment, and the file system for EXISTS and file(GLOB). Nothing here runs a process.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { EvalHost } from './evaluate';

export interface CMakeScope {
  /** The project root; undefined for a file outside a project. */
  projectDir?: string;
  projectName?: string;
  target?: string;
  /** The value of a CONFIG_ option, as CMake sees it; undefined when the configuration does not decide it. */
  config?: (name: string) => string | undefined;
  env?: NodeJS.ProcessEnv;
  idfVersion?: { major: number; minor: number; patch?: number };
  /** False for a project that builds only with CMake: its component.mk files are leftovers nothing reads. */
  makeBuild?: boolean;
}

export function hostFor(file: string, scope: CMakeScope): EvalHost {
  const dir = path.dirname(file);
  const name = path.basename(dir);
  const env = scope.env ?? {};
  const v = scope.idfVersion;
  const builtins: Record<string, string | undefined> = {
    CMAKE_CURRENT_LIST_DIR: dir, CMAKE_CURRENT_SOURCE_DIR: dir, COMPONENT_DIR: dir, COMPONENT_PATH: dir,
    CMAKE_CURRENT_LIST_FILE: file,
    COMPONENT_NAME: name, COMPONENT_ALIAS: `idf::${name}`, COMPONENT_LIB: `__idf_${name}`, COMPONENT_TARGET: `__idf_${name}`,
    PROJECT_DIR: scope.projectDir, project_dir: scope.projectDir, CMAKE_SOURCE_DIR: scope.projectDir, PROJECT_SOURCE_DIR: scope.projectDir,
    CMAKE_PROJECT_NAME: scope.projectName, PROJECT_NAME: scope.projectName,
    IDF_TARGET: scope.target, IDF_PATH: env.IDF_PATH,
    IDF_VERSION_MAJOR: v && String(v.major), IDF_VERSION_MINOR: v && String(v.minor), IDF_VERSION_PATCH: v?.patch === undefined ? undefined : String(v.patch),
    // Defined only during the build system's first pass over the components (requirements expansion).
    CMAKE_BUILD_EARLY_EXPANSION: '',
    BUILD_DIR: undefined, CMAKE_BINARY_DIR: undefined, CMAKE_CURRENT_BINARY_DIR: undefined, python: undefined,
  };
  return {
    builtins,
    config: (n) => scope.config?.(n),
    env,
    exists: (p) => statOf(p) !== undefined,
    isDir: (p) => statOf(p)?.isDirectory() ?? false,
    glob,
    buildProperty: (prop) => ({ PROJECT_DIR: scope.projectDir, IDF_PATH: env.IDF_PATH, IDF_TARGET: scope.target, PROJECT_NAME: scope.projectName } as Record<string, string | undefined>)[prop],
  };
}

const MAX_GLOB_ENTRIES = 5000;

/** file(GLOB) over absolute patterns: the folder part up to the first wildcard is listed (recursively for GLOB_RECURSE). */
function glob(patterns: string[], recurse: boolean): string[] | undefined {
  const out: string[] = [];
  for (const pattern of patterns) {
    const p = pattern.split(path.sep).join('/');
    const firstMagic = p.search(/[*?[]/);
    if (firstMagic < 0) { if (statOf(pattern)) out.push(pattern); continue; }
    const base = p.slice(0, p.lastIndexOf('/', firstMagic) + 1);
    const rest = p.slice(base.length);
    // GLOB_RECURSE's `*` crosses folders; GLOB's does not.
    const match = picomatch(recurse ? rest.replace(/(^|\/)\*(?=\.|$)/g, '$1**/*') : rest, { dot: false });
    const files = listFiles(base, recurse || rest.includes('/'));
    if (!files) return undefined;
    for (const rel of files) if (match(rel)) out.push(path.join(base, rel));
  }
  return [...new Set(out)];
}

function listFiles(base: string, deep: boolean): string[] | undefined {
  const out: string[] = [];
  const visit = (dir: string, rel: string): boolean => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return rel !== ''; }
    for (const e of entries) {
      if (out.length > MAX_GLOB_ENTRIES) return false;
      if (e.isDirectory()) { if (deep && !e.name.startsWith('.')) visit(path.join(dir, e.name), rel + e.name + '/'); }
      else out.push(rel + e.name);
    }
    return true;
  };
  return visit(base, '') && out.length <= MAX_GLOB_ENTRIES ? out : undefined;
}

function statOf(p: string) {
  try { return statSync(p); } catch { return undefined; }
}
