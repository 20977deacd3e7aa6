// What the build compiles and embeds, read from every component's CMakeLists.txt with the project's
// configuration (if(CONFIG_...) decided by the merged sdkconfig, the build folder or Kconfig defaults).
// The result feeds project/compiled.ts (only compiled files are firmware) and the file list (a file the
// build uses is analysed even when .gitignore'd).
import { readText } from './read';
import path from 'node:path';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { unquoteSdkconfigValue } from '../sdkconfig/parse';
import { extractCMake, type CMakeFacts, type CMakeScope } from './embeds';
import type { CompiledSources, EspIdfProject } from './model';

export interface BuildView {
  compiled: CompiledSources;
  /** Files some component embeds or compiles (they may be .gitignore'd). */
  usedFiles: string[];
  /** The facts of each CMakeLists.txt (and component.mk), read once: the analyzer takes them from here. */
  cmakeFacts: Map<string, CMakeFacts>;
}

const scopes = new WeakMap<EspIdfProject, CMakeScope>();

/** How CMake sees the project: CONFIG_* values as sdkconfig.cmake sets them, the target, the version.
 * Made once per project model (discovery passes the environment; later callers get the same scope). */
export function cmakeScopeOf(project: EspIdfProject, env: NodeJS.ProcessEnv = process.env): CMakeScope {
  let s = scopes.get(project);
  if (s) return s;
  const config = ProjectConfig.of(project);
  s = {
    projectDir: project.root, projectName: project.name, target: project.target, env, makeBuild: !!project.makeBuild,
    idfVersion: project.idfVersion.source === 'assumed' ? undefined : project.idfVersion,
    config(name) {
      const e = config.get(name);
      if (!e) return config.complete ? '' : undefined;
      return e.value === 'n' ? '' : unquoteSdkconfigValue(e.value);
    },
  };
  scopes.set(project, s);
  return s;
}

/** `buffer` gives an editor's unsaved text of a file, which wins over the disk as it does for every analysed file. */
export function buildView(project: EspIdfProject, env: NodeJS.ProcessEnv, buffer: (file: string) => string | undefined = () => undefined): BuildView {
  const scope = cmakeScopeOf(project, env);
  const files = new Set<string>();
  const used: string[] = [];
  const incompleteDirs: string[] = [];
  const dirs = new Set<string>();
  const cmakeFacts = new Map<string, CMakeFacts>();
  const top = path.join(project.root, 'CMakeLists.txt');
  const lists = [top, ...project.components.flatMap((c) => [path.join(c.dir, 'CMakeLists.txt'), ...(project.makeBuild ? [path.join(c.dir, 'component.mk')] : [])])];
  for (const file of lists) {
    let text = buffer(file);
    text ??= readText(file);
    if (text === undefined) continue;
    const facts = extractCMake(file, text, scope);
    cmakeFacts.set(file, facts);
    for (const e of facts.embeds) if (e.file) used.push(e.file);
    if (file === top || !facts.sources) continue; // the project file and component.mk: no source list here
    if (!facts.sources.complete) incompleteDirs.push(path.dirname(file));
    for (const f of facts.sources.files) { files.add(f); used.push(f); }
    for (const d of facts.sources.dirs) dirs.add(d);
  }
  return { compiled: { files, dirs, incompleteDirs }, usedFiles: used, cmakeFacts };
}
