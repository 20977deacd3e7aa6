// file-not-compiled: a C/C++ source that holds TLS code but that no component compiles (a test folder,
// an old copy, an example beside the project). It is not firmware, so no rule judges it; one hint says
// why its TLS code is not checked.
import path from 'node:path';
import { isCompiled } from '../project/compiled';
import type { EspIdfProject } from '../project/model';
import { ruleInfo } from './catalogue';
import type { FileFacts, Rule } from './context';
import type { Finding, Range } from './finding';

export function splitCompiled(project: EspIdfProject | undefined, files: FileFacts[]): { compiled: FileFacts[]; notCompiled: FileFacts[] } {
  const compiled: FileFacts[] = [], notCompiled: FileFacts[] = [];
  for (const f of files) (f.c && isCompiled(project, f.file) === false ? notCompiled : compiled).push(f);
  return { compiled, notCompiled };
}

export const fileNotCompiled: Rule = {
  id: 'file-not-compiled',
  run(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.notCompiled ?? []) {
      const at = firstTlsFact(f);
      if (!at) continue;
      out.push({
        rule: 'file-not-compiled', severity: ruleInfo('file-not-compiled')!.severity, file: f.file, range: at,
        message: `${path.basename(f.file)} is not compiled by any component of this project. No SRCS, SRC_DIRS or target_sources names it${ctx.project?.build?.compiled ? ', and the build folder\'s compile_commands.json does not list it' : ''}, so its TLS code is not checked as firmware.`,
      });
    }
    return out;
  },
};

function firstTlsFact(f: FileFacts): Range | undefined {
  const c = f.c!;
  const ranges = [...c.configs.map((x) => x.range), ...c.calls.map((x) => x.range), ...c.pems.map((x) => x.range), ...c.binaryRefs.map((x) => x.range)];
  return ranges.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character)[0];
}
