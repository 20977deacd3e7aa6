// The IDF component manager's files: idf_component.yml (dependencies with a local `path:` or
// `override_path:`, relative to the manifest's folder) and dependencies.lock (the IDF version the
// project was last solved with). Only the small YAML subset these files use is read: nested mappings of
// scalars by indentation; anything else is skipped.
import { readText } from './read';
import path from 'node:path';

interface Entry { indent: number; key: string; value: string }

function entries(text: string): Entry[] {
  const out: Entry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^(\s*)(?:-\s+)?("[^"]+"|'[^']+'|[^:#\s][^:#]*?)\s*:(?:\s+(.*?))?\s*(?:#.*)?$/.exec(raw);
    if (!m) continue;
    out.push({ indent: m[1].length, key: m[2].replace(/^["']|["']$/g, ''), value: (m[3] ?? '').replace(/^["']|["']$/g, '') });
  }
  return out;
}

/** Local component folders named by a manifest's dependencies (`path:` / `override_path:`), absolute. */
export function localDependencyDirs(manifestFile: string): string[] {
  const text = readText(manifestFile);
  if (text === undefined) return [];
  const dir = path.dirname(manifestFile);
  const list = entries(text);
  const out: string[] = [];
  let depsIndent = -1;
  for (const e of list) {
    if (e.key === 'dependencies' && e.value === '') { depsIndent = e.indent; continue; }
    if (depsIndent < 0) continue;
    if (e.indent <= depsIndent) { depsIndent = -1; continue; }
    if ((e.key === 'path' || e.key === 'override_path') && e.value && !e.value.includes('$')) out.push(path.resolve(dir, e.value));
  }
  return [...new Set(out)];
}

/** The `idf` dependency's version in dependencies.lock, as written ("5.3.1"). */
export function idfVersionInLock(text: string): string | undefined {
  const list = entries(text);
  const idf = list.findIndex((e) => e.key === 'idf' && e.value === '');
  if (idf < 0) return undefined;
  for (let i = idf + 1; i < list.length && list[i].indent > list[idf].indent; i++) {
    if (list[i].key === 'version' && list[i].indent === list[idf].indent + 2) return list[i].value;
  }
  return undefined;
}
