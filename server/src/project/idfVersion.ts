// Which ESP-IDF version a project builds with. Struct fields, error values, Kconfig symbols and the
// bundle layout all differ between versions, so every rule takes this as an input. Inferred the way an
// engineer would: the sdkconfig header, then dependencies.lock, then the build folder, then $IDF_PATH,
// then the option names the sdkconfig holds (an option only some releases have pins the range; a header
// without a number is v4), then the espTlsLens.idfVersion setting, else the newest release we know.
import { readText } from './read';
import * as path from 'path';
import type { IdfVersion } from './model';
import catalogue from '../data/kconfig-mbedtls.json';
import { idfVersionInLock } from './manifest';

export type IdfVersionNumber = Pick<IdfVersion, 'major' | 'minor' | 'patch'>;

/** The newest release the reference data covers; used when nothing says otherwise. */
export const assumedIdfVersion: IdfVersionNumber = { major: 6, minor: 0 };

/** A version the project states (sdkconfig header, lock, build folder, IDF_PATH, setting), not one inferred
 * from option names or assumed: only a stated version may make a finding rest on a release's particulars. */
export const isStatedVersion = (v: { source: string }): boolean => v.source !== 'assumed' && v.source !== 'options';

/** Reads `5.1.2`, `v5.1`, `5.2-dev`, `v5.1.2-dirty`, `6.0.0`; undefined when it is not a version. */
export function parseIdfVersion(text: string): IdfVersionNumber | undefined {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?![\d.])/.exec(text);
  if (!m) return undefined;
  const v: IdfVersionNumber = { major: Number(m[1]), minor: Number(m[2]) };
  if (m[3] !== undefined) v.patch = Number(m[3]);
  return v;
}

/** "5.1.2", or "5.1" when the patch level is unknown. */
export function formatIdfVersion(v: IdfVersionNumber): string {
  return v.patch === undefined ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
}

// kconfgen writes this near the top of sdkconfig ("Project Configuration") and of the defaults file
// that `idf.py save-defconfig` produces ("Project Minimal Configuration"). v4.x headers lack the number.
const headerLine = /^#\s*Espressif IoT Development Framework \(ESP-IDF\)\s+(?:(\S+)\s+)?Project (?:Minimal )?Configuration/m;

/** The version in an sdkconfig header, if the file has one. */
export function versionFromSdkconfigHeader(text: string): IdfVersionNumber | undefined {
  // The header sits in the first few lines; don't scan a whole 100 KB sdkconfig for it.
  const m = headerLine.exec(text.slice(0, 2048));
  return m?.[1] ? parseIdfVersion(m[1]) : undefined;
}

/** A generated sdkconfig whose header has no version number: ESP-IDF v4.x wrote those (v5.0 added the number). */
export function hasVersionlessHeader(text: string): boolean {
  const m = headerLine.exec(text.slice(0, 2048));
  return !!m && !m[1];
}

/** `version.txt` (release archives) or `tools/cmake/version.cmake` (every checkout) under IDF_PATH. */
export async function versionFromIdfPath(idfPath: string): Promise<IdfVersion | undefined> {
  const txtFile = path.join(idfPath, 'version.txt');
  const txt = parseIdfVersion(await readOptional(txtFile));
  if (txt) return { ...txt, source: 'IDF_PATH', file: txtFile, why: `${txtFile} of $IDF_PATH` };
  const cmakeFile = path.join(idfPath, 'tools', 'cmake', 'version.cmake');
  const cmake = parseVersionCmake(await readOptional(cmakeFile));
  return cmake ? { ...cmake, source: 'IDF_PATH', file: cmakeFile, why: `${cmakeFile} of $IDF_PATH` } : undefined;
}

/** `set(IDF_VERSION_MAJOR 5)` / `_MINOR` / `_PATCH` from tools/cmake/version.cmake. */
export function parseVersionCmake(text: string): IdfVersionNumber | undefined {
  const part = (name: string): number | undefined => {
    const m = new RegExp(`set\\s*\\(\\s*IDF_VERSION_${name}\\s+"?(\\d+)"?\\s*\\)`, 'i').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const major = part('MAJOR');
  const minor = part('MINOR');
  if (major === undefined || minor === undefined) return undefined;
  const patch = part('PATCH');
  return patch === undefined ? { major, minor } : { major, minor, patch };
}

export interface IdfVersionInputs {
  /** sdkconfig files with their text, most trusted first (the real sdkconfig before any defaults). */
  sdkconfigs: { file: string; text: string }[];
  /** dependencies.lock of the project, when it has one. */
  lock?: { file: string; text: string };
  /** The build folder's word (project_description.json's git_revision). */
  build?: { file: string; version?: IdfVersionNumber; revision?: string };
  /** The espTlsLens.idfVersion setting ("" when unset). */
  setting: string;
  env: NodeJS.ProcessEnv;
  /** Shares one IDF_PATH lookup between the projects of a discovery run. */
  idfPathCache?: Map<string, Promise<IdfVersion | undefined>>;
}

export async function resolveIdfVersion(inputs: IdfVersionInputs): Promise<IdfVersion> {
  for (const { file, text } of inputs.sdkconfigs) {
    const v = versionFromSdkconfigHeader(text);
    if (v) return { ...v, source: 'sdkconfig', file, why: `the header of ${file}` };
  }
  const locked = inputs.lock && parseIdfVersion(idfVersionInLock(inputs.lock.text) ?? '');
  if (locked) return { ...locked, source: 'dependencies.lock', file: inputs.lock!.file, why: `the idf dependency in ${inputs.lock!.file}` };
  if (inputs.build?.version) return { ...inputs.build.version, source: 'build', file: inputs.build.file, why: `git_revision ${inputs.build.revision} in ${inputs.build.file}` };
  const idfPath = inputs.env.IDF_PATH;
  if (idfPath) {
    const cache = inputs.idfPathCache ?? new Map<string, Promise<IdfVersion | undefined>>();
    if (!cache.has(idfPath)) cache.set(idfPath, versionFromIdfPath(idfPath));
    const v = await cache.get(idfPath);
    if (v) return v;
  }
  const fromOptions = versionFromOptions(inputs.sdkconfigs);
  if (fromOptions) return fromOptions;
  const fromSetting = parseIdfVersion(inputs.setting);
  if (fromSetting) return { ...fromSetting, source: 'setting', why: 'the espTlsLens.idfVersion setting' };
  return { ...assumedIdfVersion, source: 'assumed', why: 'nothing in the project says; the newest release known is assumed' };
}

/**
 * The releases whose mbedTLS / ESP-TLS options include every one the sdkconfig files set: a name only some
 * releases have pins the range (CONFIG_MBEDTLS_SSL_PROTO_TLS1 is v4-only). The newest release left wins.
 */
export function versionFromOptions(files: { file: string; text: string }[]): IdfVersion | undefined {
  const all = catalogue.tags.map((t) => t.split('.').slice(0, 2).join('.'));
  let left = [...all];
  const clues: string[] = [];
  if (files.some((f) => hasVersionlessHeader(f.text))) { left = left.filter((t) => t.startsWith('4.')); clues.push('an sdkconfig header without a version (v4)'); }
  const symbols = catalogue.symbols as Record<string, { present: string[] }>;
  for (const name of new Set(files.flatMap((f) => [...f.text.matchAll(/^(?:#\s*)?(CONFIG_(?:MBEDTLS|ESP_TLS)_\w+)(?:=| is not set)/gm)].map((m) => m[1])))) {
    const present = symbols[name]?.present.map((t) => t.split('.').slice(0, 2).join('.'));
    if (!present || present.length === all.length) continue;
    const narrowed = left.filter((t) => present.includes(t));
    // Options of two eras in one file (a stale sdkconfig.defaults): that name is no clue.
    if (narrowed.length === 0) continue;
    left = narrowed;
    clues.push(`${name} (only in v${present.join(', v')})`);
  }
  // One stale option in a hand-written sdkconfig.defaults (the config tool drops what it does not know) is too
  // weak: a version is inferred from a v4 header, or from two options that agree.
  if (left.length === all.length || left.length === 0 || (clues.length < 2 && !clues[0]?.startsWith('an sdkconfig header'))) return undefined;
  const v = parseIdfVersion(left[left.length - 1])!;
  return { ...v, source: 'options', why: `the options the sdkconfig sets: ${clues.join('; ')}` };
}

async function readOptional(file: string): Promise<string> {
  return readText(file) ?? '';
}
