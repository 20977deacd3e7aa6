// What a rule sees: the facts of the files it runs over, the project they belong to, and the inputs
// that are not in any file (the clock, the macro environment).
import type { MacroEnv } from '../c/conditions';
import type { CFileFacts } from '../c/facts';
import type { CMakeFacts } from '../project/embeds';
import type { LogEvidence } from '../logs/evidence';
import type { TlsLogLine } from '../logs/tlsLines';
import type { CertFileFacts } from '../x509/certFile';
import type { EspIdfProject } from '../project/model';
import type { Finding } from './finding';

/** Everything extracted from one file; cached by content hash. */
export interface FileFacts {
  file: string;
  hash: string;
  c?: CFileFacts;
  /** What a CMakeLists.txt embeds into the firmware, and where its idf_component_register call is. */
  cmake?: CMakeFacts;
  /** The certificates and keys of a .pem/.crt/.cer/.der/.key file. */
  certFile?: CertFileFacts;
  /** TLS failure lines of a monitor log. */
  logLines?: TlsLogLine[];
  /** The lines of the same log that say what a failure was about (URLs, memory, PSA, the IDF version). */
  logEvidence?: LogEvidence[];
}

export interface RuleContext {
  /** The files the build compiles (or may: headers, unreadable components), and every non-C file. */
  files: readonly FileFacts[];
  /** C/C++ sources no component compiles: not firmware, so no rule but file-not-compiled looks at them. */
  notCompiled?: readonly FileFacts[];
  project?: EspIdfProject;
  macros: MacroEnv;
  /** "Now" is an input: tests and `--now` fix it; the editor passes its clock. */
  now: Date;
  /** Whether a file exists on disk (embedded files need not be among the analysed ones). */
  exists(file: string): boolean;
  /** Days before expiry that cert-expires-soon starts warning (espTlsLens.expiryWarningDays). */
  expiryWarningDays: number;
}

export interface Rule {
  id: string;
  run(ctx: RuleContext): Finding[];
}
