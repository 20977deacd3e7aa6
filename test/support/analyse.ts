// Runs the C extractor and the rules over in-memory sources, the way the analyzer does for one project.
import { extractC } from '../../server/src/c/extract';
import type { EspIdfProject, SdkconfigEntry } from '../../server/src/project/model';
import type { FileFacts, RuleContext } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/finding';
import { runRules } from '../../server/src/rules/index';
import { macroEnvFor } from '../../server/src/sdkconfig/macros';

export const FILE = '/work/proj/main/client.c';
/** The fixed "now" of rule tests; certificates are generated relative to it. */
export const NOW = new Date('2026-01-01T00:00:00Z');

/** A project whose merged sdkconfig holds `values`; `complete` when a generated sdkconfig exists. */
export function fakeProject(values: Record<string, string>, complete = true): EspIdfProject {
  const sdkconfig = new Map<string, SdkconfigEntry>(
    Object.entries(values).map(([name, value], line) => [name, { name, value, file: '/work/proj/sdkconfig', line }]),
  );
  return {
    root: '/work/proj',
    components: [{ name: 'main', dir: '/work/proj/main', thirdParty: false }],
    sdkconfigChain: complete ? ['/work/proj/sdkconfig.defaults', '/work/proj/sdkconfig'] : ['/work/proj/sdkconfig.defaults'],
    sdkconfig,
    target: 'esp32',
    idfVersion: { major: 5, minor: 3, patch: 1, source: 'sdkconfig' },
    files: [FILE],
  };
}

/** Findings of all rules, or of the rules named, over one C file of `project`. */
export async function findingsOf(source: string, project?: EspIdfProject, ...rules: string[]): Promise<Finding[]> {
  return findingsOfFiles({ [FILE]: source }, project, ...rules);
}

/** A rule context as the analyzer builds it; `existing` lists the files that exist on disk (default: none). */
export function contextOf(files: FileFacts[], project?: EspIdfProject, existing: readonly string[] = []): RuleContext {
  return { files, project, macros: macroEnvFor(project), now: NOW, exists: (f) => existing.includes(f), expiryWarningDays: 90 };
}

export async function findingsOfFiles(sources: Record<string, string>, project?: EspIdfProject, ...rules: string[]): Promise<Finding[]> {
  // C++ sources are read with the C++ grammar, as the analyzer does (server/src/fileFacts.ts).
  const files = await Promise.all(Object.entries(sources).map(async ([file, text]) => ({ file, hash: file, c: await extractC(text, { dialect: /\.(cc|cpp|cxx|hpp|hh|hxx|ino)$/i.test(file) ? 'cpp' : 'c' }) })));
  const all = runRules(contextOf(files, project));
  return rules.length ? all.filter((f) => rules.includes(f.rule)) : all;
}
