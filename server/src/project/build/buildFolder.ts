// An ESP-IDF build folder is the build's own answer to what the project is: project_description.json
// (IDF version, target, sdkconfig, components with their folders and sources), compile_commands.json
// (every file compiled), config/sdkconfig.json (every final option value, Kconfig defaults included) and
// the generated embed sources (`<name>.S` files "Data converted from <path>"). When it exists it is used
// as ground truth; when it is older than the files it describes, it is still used and the model says so.
import { readdirSync, statSync } from 'node:fs';
import { BUILD_JSON_BYTES, BUILD_JSON_LIMIT, readText } from '../read';
import path from 'node:path';
import { parseIdfVersion, type IdfVersionNumber } from '../idfVersion';

export interface BuildEmbed { symbol: string; file: string; mode: 'text' | 'binary' }

export interface BuildFolder {
  dir: string;
  /** From project_description.json's git_revision (the IDF's `git describe`). */
  idfVersion?: IdfVersionNumber;
  idfRevision?: string;
  /** The project the build describes (project_path): one build folder given for many projects fits only its own. */
  projectPath?: string;
  /** The ESP-IDF the build used (its components are not the user's). */
  idfPath?: string;
  target?: string;
  /** Absolute paths of the files compile_commands.json compiles. */
  compiled?: Set<string>;
  /** The `-D` macros each compiled file gets (`-DAPP_USE_TLS=1`, `-DESP_PLATFORM`); files with the same flags share one map. */
  defines?: Map<string, ReadonlyMap<string, string>>;
  /** Component folders (build_component_paths). */
  componentDirs?: string[];
  /** CONFIG_NAME -> value as sdkconfig writes it (`y`, `n`, `16384`, `"text"`). */
  config?: Map<string, string>;
  embeds: BuildEmbed[];
  /** A note when sources changed after the build: the folder is still used. */
  stale?: string;
}

/** Reads `dir` when it holds project_description.json; undefined otherwise (never throws). */
export function readBuildFolder(dir: string, newerThan: (ms: number) => string | undefined): BuildFolder | undefined {
  const descFile = path.join(dir, 'project_description.json');
  const desc = readJson(descFile) as Record<string, unknown> | undefined;
  if (!desc || typeof desc !== 'object') return undefined;
  const writtenAt = statSync(descFile).mtimeMs;
  const out: BuildFolder = { dir, embeds: readEmbedSources(dir) };
  const rev = typeof desc.git_revision === 'string' ? desc.git_revision : undefined;
  if (rev) { out.idfRevision = rev; out.idfVersion = parseIdfVersion(rev); }
  if (typeof desc.project_path === 'string') out.projectPath = path.resolve(desc.project_path);
  if (typeof desc.target === 'string') out.target = desc.target;
  if (typeof desc.idf_path === 'string') out.idfPath = path.resolve(desc.idf_path);
  if (Array.isArray(desc.build_component_paths)) out.componentDirs = desc.build_component_paths.filter((p): p is string => typeof p === 'string');
  const commands = readCompileCommands(path.join(dir, 'compile_commands.json'));
  out.compiled = commands?.compiled;
  out.defines = commands?.defines;
  out.config = readSdkconfigJson(path.join(dir, 'config', 'sdkconfig.json'));
  const changed = newerThan(writtenAt);
  if (changed) out.stale = `it is older than ${changed} (its view holds until the next build)`;
  return out;
}

interface CompileEntry { directory?: string; file?: string; command?: string; arguments?: string[] }

function readCompileCommands(file: string): { compiled: Set<string>; defines: Map<string, ReadonlyMap<string, string>> } | undefined {
  const list = readJson(file);
  if (!Array.isArray(list)) return undefined;
  const compiled = new Set<string>();
  const defines = new Map<string, ReadonlyMap<string, string>>();
  const shared = new Map<string, ReadonlyMap<string, string>>();
  for (const entry of list as CompileEntry[]) {
    if (typeof entry?.file !== 'string') continue;
    const abs = path.resolve(entry.directory ?? '', entry.file);
    compiled.add(abs);
    const flags = (Array.isArray(entry.arguments) ? entry.arguments : (entry.command ?? '').match(/(?:[^\s"']+|"(?:\\.|[^"])*"|'[^']*')+/g) ?? [])
      .filter((a) => a.startsWith('-D')).join('\0');
    if (!flags) continue;
    let map = shared.get(flags);
    if (!map) { map = definesOf(flags.split('\0')); shared.set(flags, map); }
    defines.set(abs, map);
  }
  return { compiled, defines };
}

/** `-DNAME=VALUE` / `-DNAME` (value 1), as the compiler defines them; shell quotes removed. */
function definesOf(flags: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of flags) {
    const m = /^-D([A-Za-z_]\w*)(?:=(.*))?$/.exec(f.replace(/^(-D)(["'])(.*)\2$/, '$1$3'));
    if (m) out.set(m[1], m[2] === undefined ? '1' : m[2].replace(/^'(.*)'$/, '$1').replace(/\\"/g, '"'));
  }
  return out;
}

/** kconfgen's JSON: `{"MBEDTLS_TLS_ENABLED": true, "MBEDTLS_SSL_IN_CONTENT_LEN": 16384, "IDF_TARGET": "esp32"}`. */
function readSdkconfigJson(file: string): Map<string, string> | undefined {
  const json = readJson(file);
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const out = new Map<string, string>();
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    const value = v === true ? 'y' : v === false ? 'n' : typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : undefined;
    if (value !== undefined) out.set(`CONFIG_${name}`, value);
  }
  return out;
}

/** data_file_embed_asm.cmake writes `<name>.S` beside the build: "Data converted from <file>", "(null byte appended)". */
function readEmbedSources(dir: string): BuildEmbed[] {
  let names: string[];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.S')); } catch { return []; }
  const out: BuildEmbed[] = [];
  for (const name of names) {
    const head = readText(path.join(dir, name), BUILD_JSON_BYTES, BUILD_JSON_LIMIT)?.slice(0, 4096);
    if (head === undefined) continue;
    const from = /Data converted from\s+(.+?)\s*$/m.exec(head)?.[1];
    const symbol = /\.global\s+_binary_(\w+)_start/.exec(head)?.[1];
    if (from && symbol) out.push({ symbol, file: path.resolve(dir, from), mode: /null byte appended/.test(head) ? 'text' : 'binary' });
  }
  return out;
}

function readJson(file: string): unknown {
  const text = readText(file, BUILD_JSON_BYTES, BUILD_JSON_LIMIT);
  try {
    return text === undefined ? undefined : JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
