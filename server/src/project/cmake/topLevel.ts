// A project's top-level CMakeLists.txt, evaluated up to what ESP-IDF reads from it before `project()`:
// SDKCONFIG_DEFAULTS, SDKCONFIG, EXTRA_COMPONENT_DIRS, IDF_TARGET and the project name. A value that
// cannot be read (an environment variable of the build machine) is reported in `unknowns`.
import path from 'node:path';
import { evaluateCMake } from './evaluate';
import { hostFor } from './host';
import type { Value } from './values';

export interface TopLevel {
  name?: string;
  sdkconfigDefaults?: string[];
  sdkconfig?: string;
  target?: string;
  extraComponentDirs: string[];
  unknowns: string[];
}

export function readTopLevel(file: string, text: string, root: string, env: NodeJS.ProcessEnv): TopLevel {
  const ev = evaluateCMake(file, text, hostFor(file, { projectDir: root, env }));
  const unknowns: string[] = [];
  /** Absolute paths; with `what`, a value that cannot be read is reported (only component folders matter to the model). */
  const paths = (v: Value | undefined, what?: string): string[] | undefined => {
    if (!v) return undefined;
    const out: string[] = [];
    for (const item of v) {
      if (!item.unknown) out.push(path.resolve(root, item.text));
      // ESP-IDF's own folders ($IDF_PATH/examples/common_components/...) are never inside the project: not worth a note.
      else if (what && !/^\$(ENV)?\{IDF_PATH\}/.test(item.text)) unknowns.push(`${what} ${item.text} could not be read (outside variable)`);
    }
    return out;
  };
  const listed = (name: string) => ev.vars.get(name);
  const project = ev.calls.find((c) => c.name === 'project');
  const name = project?.args[0]?.items[0];
  return {
    name: name && !name.unknown ? name.text : undefined,
    sdkconfigDefaults: paths(listed('SDKCONFIG_DEFAULTS')),
    sdkconfig: paths(listed('SDKCONFIG'))?.[0],
    target: listed('IDF_TARGET')?.find((i) => !i.unknown)?.text,
    extraComponentDirs: paths(listed('EXTRA_COMPONENT_DIRS'), 'EXTRA_COMPONENT_DIRS') ?? [],
    unknowns,
  };
}
