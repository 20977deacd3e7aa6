// When the user's ESP-IDF is installed (IDF_PATH, or Espressif's extension setting passed on as
// IDF_PATH), the options and defaults come from its own components/mbedtls/Kconfig and
// components/esp-tls/Kconfig: exactly that version, patch releases included. Otherwise the shipped
// tables (server/src/data/kconfig-mbedtls.json) stand in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface InstalledSymbol {
  type: string;
  /** Kconfig `default` lines in our table's notation: "y", "16384", "y if A ; n", "y (choice default)". */
  default?: string;
  depends?: string;
  prompt: string;
  selects: string[];
}

export interface InstalledKconfig {
  /** The Kconfig files read. */
  sources: string[];
  symbols: Map<string, InstalledSymbol>;
}

const FILES = ['components/mbedtls/Kconfig', 'components/esp-tls/Kconfig'];

const cache = new Map<string, Promise<InstalledKconfig | undefined>>();

export function readInstalledKconfig(idfPath: string | undefined): Promise<InstalledKconfig | undefined> {
  if (!idfPath) return Promise.resolve(undefined);
  let p = cache.get(idfPath);
  if (!p) { p = load(idfPath); cache.set(idfPath, p); }
  return p;
}

async function load(idfPath: string): Promise<InstalledKconfig | undefined> {
  const symbols = new Map<string, InstalledSymbol>();
  const sources: string[] = [];
  for (const rel of FILES) {
    const file = path.join(idfPath, rel);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    sources.push(file);
    for (const [name, sym] of parseKconfig(text)) symbols.set(name, sym);
  }
  return sources.length ? { sources, symbols } : undefined;
}

/** Reads `config`/`menuconfig` entries with their type, defaults, dependencies (incl. enclosing `if`) and selects. */
export function parseKconfig(text: string): Map<string, InstalledSymbol> {
  const out = new Map<string, InstalledSymbol>();
  const ifs: string[] = [];
  let choice: { members: string[]; default?: string; depends: string[] } | undefined;
  let current: (InstalledSymbol & { name: string; defaults: string[]; dependsList: string[] }) | undefined;
  const finish = () => {
    if (!current) return;
    const deps = [...ifs, ...(choice?.depends ?? []), ...current.dependsList].filter(Boolean);
    out.set(`CONFIG_${current.name}`, {
      type: current.type, prompt: current.prompt, selects: current.selects,
      default: current.defaults.length ? current.defaults.join(' ; ') : undefined,
      depends: deps.length ? deps.map((d) => (deps.length > 1 ? `(${d})` : d)).join(' && ') : undefined,
    });
    if (choice) choice.members.push(current.name);
    current = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    let m: RegExpExecArray | null;
    if ((m = /^(?:menu)?config\s+(\w+)/.exec(line))) {
      finish();
      current = { name: m[1], type: 'bool', prompt: '', selects: [], defaults: [], dependsList: [] };
    } else if (/^choice\b/.test(line)) {
      finish();
      choice = { members: [], depends: [] };
    } else if (/^endchoice\b/.test(line)) {
      finish();
      for (const member of choice?.members ?? []) {
        const sym = out.get(`CONFIG_${member}`);
        if (sym && !sym.default) sym.default = member === choice!.default ? 'y (choice default)' : 'n (choice member)';
      }
      choice = undefined;
    } else if ((m = /^if\s+(.+)$/.exec(line))) {
      finish();
      ifs.push(m[1]);
    } else if (/^endif\b/.test(line)) {
      finish();
      ifs.pop();
    } else if (/^(menu|endmenu|comment|source|mainmenu)\b/.test(line)) {
      finish();
    } else if ((m = /^(bool|tristate|int|hex|string)(?:\s+"(.*)")?/.exec(line))) {
      if (current) { current.type = m[1]; current.prompt = m[2] ?? ''; }
    } else if ((m = /^def_(?:bool|tristate)\s+(.+)$/.exec(line))) {
      if (current) current.defaults.push(m[1]);
    } else if ((m = /^default\s+(.+)$/.exec(line))) {
      if (current) current.defaults.push(m[1].replace(/^"(.*)"$/, '"$1"'));
      else if (choice) choice.default = m[1].split(/\s+/)[0];
    } else if ((m = /^depends\s+on\s+(.+)$/.exec(line))) {
      if (current) current.dependsList.push(m[1]);
      else if (choice) choice.depends.push(m[1]);
    } else if ((m = /^select\s+(.+)$/.exec(line))) {
      if (current) current.selects.push(m[1]);
    }
  }
  finish();
  return out;
}
