// What a rule sees: the facts of the files it runs over, the project they belong to, and the inputs
// that are not in any file (the clock, the macro environment).
import type { MacroEnv } from '../c/conditions';
import type { CFileFacts } from '../c/facts';
import type { EspIdfProject } from '../project/model';
import type { Finding } from './finding';

/** Everything extracted from one file; cached by content hash. */
export interface FileFacts {
  file: string;
  hash: string;
  c?: CFileFacts;
}

export interface RuleContext {
  files: readonly FileFacts[];
  project?: EspIdfProject;
  macros: MacroEnv;
  /** "Now" is an input: tests and `--now` fix it; the editor passes its clock. */
  now: Date;
}

export interface Rule {
  id: string;
  run(ctx: RuleContext): Finding[];
}
