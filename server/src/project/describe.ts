// The words the log, the status bar and `check --format json` use for a project: its IDF version with
// the reason it was chosen, and what about the build could not be read.
import { formatIdfVersion } from './idfVersion';
import type { EspIdfProject } from './model';

/** "ESP-IDF v5.3.1 (the header of /p/sdkconfig)". */
export function versionLine(p: EspIdfProject): string {
  return `ESP-IDF v${formatIdfVersion(p.idfVersion)} (${p.idfVersion.why ?? p.idfVersion.source})`;
}

/** The build folder used (and whether it is stale), and each part of the build that could not be read. */
export function projectNotes(p: EspIdfProject): string[] {
  const build = p.build && (p.build.stale ? `build folder ${p.build.dir} used, though ${p.build.stale}` : `build folder ${p.build.dir} used as the build's own view`);
  return [...(build ? [build] : []), ...(p.unknowns ?? [])];
}
