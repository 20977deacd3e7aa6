// Which ESP-IDF version a project builds with. Struct fields, error values, Kconfig symbols and the
// bundle layout all differ between versions, so every rule takes this as an input. Order (DESIGN.md):
// the sdkconfig header, then $IDF_PATH, then the espTlsLens.idfVersion setting, else the newest v5.
import { readFile } from 'fs/promises';
import * as path from 'path';
import type { IdfVersion } from './model';

export type IdfVersionNumber = Pick<IdfVersion, 'major' | 'minor' | 'patch'>;

/** The newest v5 release the reference data covers; used when nothing says otherwise. */
export const assumedIdfVersion: IdfVersionNumber = { major: 5, minor: 5 };

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
const headerLine = /^#\s*Espressif IoT Development Framework \(ESP-IDF\)\s+(\S+)\s+Project (?:Minimal )?Configuration/m;

/** The version in an sdkconfig header, if the file has one. */
export function versionFromSdkconfigHeader(text: string): IdfVersionNumber | undefined {
  // The header sits in the first few lines; don't scan a whole 100 KB sdkconfig for it.
  const m = headerLine.exec(text.slice(0, 2048));
  return m ? parseIdfVersion(m[1]) : undefined;
}

/** `version.txt` (release archives) or `tools/cmake/version.cmake` (every checkout) under IDF_PATH. */
export async function versionFromIdfPath(idfPath: string): Promise<IdfVersion | undefined> {
  const txtFile = path.join(idfPath, 'version.txt');
  const txt = parseIdfVersion(await readOptional(txtFile));
  if (txt) return { ...txt, source: 'IDF_PATH', file: txtFile };
  const cmakeFile = path.join(idfPath, 'tools', 'cmake', 'version.cmake');
  const cmake = parseVersionCmake(await readOptional(cmakeFile));
  return cmake ? { ...cmake, source: 'IDF_PATH', file: cmakeFile } : undefined;
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
  /** The espTlsLens.idfVersion setting ("" when unset). */
  setting: string;
  env: NodeJS.ProcessEnv;
  /** Shares one IDF_PATH lookup between the projects of a discovery run. */
  idfPathCache?: Map<string, Promise<IdfVersion | undefined>>;
}

export async function resolveIdfVersion(inputs: IdfVersionInputs): Promise<IdfVersion> {
  for (const { file, text } of inputs.sdkconfigs) {
    const v = versionFromSdkconfigHeader(text);
    if (v) return { ...v, source: 'sdkconfig', file };
  }
  const idfPath = inputs.env.IDF_PATH;
  if (idfPath) {
    const cache = inputs.idfPathCache ?? new Map<string, Promise<IdfVersion | undefined>>();
    if (!cache.has(idfPath)) cache.set(idfPath, versionFromIdfPath(idfPath));
    const v = await cache.get(idfPath);
    if (v) return v;
  }
  const fromSetting = parseIdfVersion(inputs.setting);
  if (fromSetting) return { ...fromSetting, source: 'setting' };
  return { ...assumedIdfVersion, source: 'assumed' };
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}
