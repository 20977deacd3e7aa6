// What the build compiles and embeds, read from every component's CMakeLists.txt with the project's
// configuration (if(CONFIG_...) decided by the merged sdkconfig, the build folder or Kconfig defaults).
// The result feeds project/compiled.ts (only compiled files are firmware) and the file list (a file the
// build uses is analysed even when .gitignore'd).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { unquoteSdkconfigValue } from '../sdkconfig/parse';
import { extractCMake, type CMakeScope } from './embeds';
import type { CompiledSources, EspIdfProject } from './model';

export interface BuildView {
  compiled: CompiledSources;
  /** Files some component embeds or compiles (they may be .gitignore'd). */
  usedFiles: string[];
  unknowns: string[];
  /** A fingerprint of what CMake evaluation depends on: the configuration, target, version and environment. */
  key: string;
}

const scopes = new WeakMap<EspIdfProject, CMakeScope>();

/** How CMake sees the project: CONFIG_* values as sdkconfig.cmake sets them, the target, the version.
 * Made once per project model (discovery passes the environment; later callers get the same scope). */
export function cmakeScopeOf(project: EspIdfProject, env: NodeJS.ProcessEnv = process.env): CMakeScope {
  let s = scopes.get(project);
  if (s) return s;
  const config = ProjectConfig.of(project);
  s = {
    projectDir: project.root, projectName: project.name, target: project.target, env, idfVersion: project.idfVersion.source === 'assumed' ? undefined : project.idfVersion,
    config(name) {
      const e = config.get(name);
      if (!e) return config.complete ? '' : undefined;
      return e.value === 'n' ? '' : unquoteSdkconfigValue(e.value);
    },
  };
  scopes.set(project, s);
  return s;
}

export function buildView(project: EspIdfProject, env: NodeJS.ProcessEnv): BuildView {
  const scope = cmakeScopeOf(project, env);
  const files = new Set<string>();
  const used: string[] = [];
  const incompleteDirs: string[] = [];
  const unknowns: string[] = [];
  const cmakeFiles = [path.join(project.root, 'CMakeLists.txt'), ...project.components.map((c) => path.join(c.dir, 'CMakeLists.txt'))];
  for (const file of cmakeFiles) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    const facts = extractCMake(file, text, scope);
    for (const e of facts.embeds) if (e.file) used.push(e.file);
    if (file === cmakeFiles[0]) continue; // the project file compiles nothing
    if (!facts.sources?.complete) incompleteDirs.push(path.dirname(file));
    for (const f of facts.sources?.files ?? []) { files.add(f); used.push(f); }
    for (const u of facts.unknownEmbeds ?? []) unknowns.push(`${path.relative(project.root, file)}: embedded file ${u.written} could not be read`);
  }
  const componentDirs = project.components.map((c) => c.dir);
  const key = createHash('sha1').update(JSON.stringify([project.target, project.idfVersion, [...project.sdkconfig.values()].map((e) => `${e.name}=${e.value}`),
    project.build?.writtenAt, env.IDF_PATH])).digest('hex').slice(0, 16);
  return {
    compiled: { files, incompleteDirs, componentDirs, allComponentsKnown: (project.unknowns ?? []).length === 0 },
    usedFiles: [...new Set(used)],
    unknowns,
    key,
  };
}
