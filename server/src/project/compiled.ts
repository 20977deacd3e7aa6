// Only compiled files are firmware. A C/C++ source that no component's SRCS / SRC_DIRS / target_sources
// takes (a test folder, an old copy, a tool beside the project) is not judged as firmware. The build
// folder's compile_commands.json is the build's own list; without one, the components' CMake says.
// Headers are never judged here: they are compiled wherever they are included. (An unsaved buffer or a file
// created after discovery in a SRC_DIRS folder counts as compiled; other new files wait for the model's re-read.)
import path from 'node:path';
import { SOURCE_GLOB } from './cmake/component';
import { isInside } from './components';
import type { EspIdfProject } from './model';

const SOURCE = /\.(c|cpp|cc|cxx|S|s)$/;

/** true: compiled; false: no component compiles it; undefined: cannot be known (a header, an unreadable component). */
export function isCompiled(project: EspIdfProject | undefined, file: string): boolean | undefined {
  if (!project || !SOURCE.test(file)) return undefined;
  if (project.build?.compiled?.has(file)) return true;
  const c = project.compiled;
  if (!c) return undefined;
  if (c.files.has(file) || (c.dirs.has(path.dirname(file)) && SOURCE_GLOB.test(file))) return true;
  const owner = deepest(project.components.map((comp) => comp.dir), file);
  // Outside every component: compiled by nothing, unless a component folder could not be named.
  if (!owner) return project.unknowns?.length ? undefined : false;
  return c.incompleteDirs.includes(owner) ? undefined : false;
}

function deepest(dirs: string[], file: string): string | undefined {
  let best: string | undefined;
  for (const d of dirs) if (isInside(d, file) && (!best || d.length > best.length)) best = d;
  return best;
}
