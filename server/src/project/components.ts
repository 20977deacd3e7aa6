// The components of a build, found the way ESP-IDF and its component manager find them: main/ and
// components/* of the project, EXTRA_COMPONENT_DIRS (a component or a folder of them), local
// dependencies of idf_component.yml manifests (`path:` / `override_path:`, relative to the manifest),
// managed_components/*, and the build folder's own list when there is one.
import type { Dirent } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildFolder } from './build/buildFolder';
import { localDependencyDirs } from './manifest';
import type { Component } from './model';

export interface ComponentSearch {
  root: string;
  /** EXTRA_COMPONENT_DIRS after evaluation: absolute folders. */
  extraDirs: string[];
  env: NodeJS.ProcessEnv;
  build?: BuildFolder;
}

export function findComponents(s: ComponentSearch): Component[] {
  const found = new Map<string, Component>();
  const idfPath = s.env.IDF_PATH ? path.resolve(s.env.IDF_PATH) : undefined;
  const fromIdf = (dir: string): boolean => idfPath !== undefined && isInside(idfPath, dir);
  const add = (dir: string, thirdParty = fromIdf(dir)): void => {
    if (!found.has(dir)) found.set(dir, { name: path.basename(dir), dir, thirdParty });
  };
  if (isFile(path.join(s.root, 'main', 'CMakeLists.txt'))) add(path.join(s.root, 'main'), false);
  for (const dir of componentDirsIn(path.join(s.root, 'components'))) add(dir, false);
  for (const dir of s.extraDirs) {
    // A listed folder is either a component itself or a folder of components.
    if (isFile(path.join(dir, 'CMakeLists.txt'))) add(dir);
    else for (const sub of componentDirsIn(dir)) add(sub);
  }
  // Manifests may name local components, whose own manifests may name more.
  const manifests = [...found.values()].map((c) => path.join(c.dir, 'idf_component.yml'));
  for (let i = 0; i < manifests.length && i < 200; i++) {
    for (const dir of localDependencyDirs(manifests[i])) {
      if (found.has(dir) || !isFile(path.join(dir, 'CMakeLists.txt'))) continue;
      add(dir);
      manifests.push(path.join(dir, 'idf_component.yml'));
    }
  }
  for (const dir of componentDirsIn(path.join(s.root, 'managed_components'))) add(dir, true);
  for (const dir of s.build?.componentDirs ?? []) {
    // The build lists ESP-IDF's own components too: those are not the user's code and not walked.
    if (!fromIdf(dir) && !(s.build?.idfPath && isInside(s.build.idfPath, dir))) add(path.resolve(dir));
  }
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

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

// Paths here are absolute and normalized, so containment is a prefix test. Windows paths compare without case.
const foldCase = process.platform === 'win32' ? (s: string) => s.toLowerCase() : (s: string) => s;

export function isInside(dir: string, p: string): boolean {
  const d = foldCase(dir), f = foldCase(p);
  return f === d || f.startsWith(d.endsWith(path.sep) ? d : d + path.sep);
}
