// Which files a CMakeLists.txt embeds into the firmware, and how (shared/reference/embedding.md):
//   idf_component_register(... EMBED_TXTFILES a.pem EMBED_FILES b.der ...)
//   target_add_binary_data(app.elf "main/ca.pem" TEXT|BINARY [RENAME_TO name])
//   register_component() with set(COMPONENT_EMBED_TXTFILES ...) / set(COMPONENT_EMBED_FILES ...)
// TEXT appends a NUL byte; BINARY does not. The symbols are _binary_<name>_start/_end where <name> is
// the file's basename (or RENAME_TO) made a C identifier.
import path from 'node:path';
import { LineIndex } from '../positions';
import type { Position, Range } from '../rules/finding';

export interface EmbedFact {
  /** The path as written in CMake. */
  written: string;
  /** Absolute path, or undefined when it uses a variable we cannot expand. */
  file?: string;
  mode: 'text' | 'binary';
  /** `server_root_cert_pem` for `_binary_server_root_cert_pem_start`. */
  symbol: string;
  via: 'EMBED_TXTFILES' | 'EMBED_FILES' | 'target_add_binary_data' | 'COMPONENT_EMBED_TXTFILES' | 'COMPONENT_EMBED_FILES';
  /** The path token in the CMake file (inside its quotes; `tokenRange` includes them), and the keyword
   * (or TEXT/BINARY word) that decides the mode. */
  range: Range;
  tokenRange: Range;
  modeRange: Range;
  /** The whole command, and the other files its EMBED_ list holds (a fix that moves one needs to know). */
  commandRange: Range;
  listSize: number;
}

/** CMake's string(MAKE_C_IDENTIFIER) of the basename: `mosquitto.org.crt` -> `mosquitto_org_crt`. */
export function embedSymbol(fileOrName: string): string {
  const base = fileOrName.split(/[\\/]/).pop() ?? fileOrName;
  const id = base.replace(/[^A-Za-z0-9_]/g, '_');
  return /^\d/.test(id) ? `_${id}` : id;
}

interface Token { text: string; start: number; end: number; quoted: boolean }
interface Command { name: string; args: Token[]; start: number; end: number }

const EMBED_KEYWORDS: Record<string, 'text' | 'binary'> = { EMBED_TXTFILES: 'text', EMBED_FILES: 'binary' };
/** idf_component_register's other multi-value keywords: they end an EMBED_ list. */
const KEYWORD = /^(SRCS|SRC_DIRS|EXCLUDE_SRCS|INCLUDE_DIRS|PRIV_INCLUDE_DIRS|LDFRAGMENTS|REQUIRES|PRIV_REQUIRES|REQUIRED_IDF_TARGETS|EMBED_FILES|EMBED_TXTFILES|KCONFIG|KCONFIG_PROJBUILD|WHOLE_ARCHIVE)$/;

/** Where a fix can add `EMBED_TXTFILES file` to idf_component_register: before its `)`, or after an existing keyword. */
export interface RegisterCall { close: Position; embedTxtKeywordEnd?: Position; indent: string }

export interface CMakeFacts { embeds: EmbedFact[]; register?: RegisterCall }

/** Embeds declared in one CMakeLists.txt. `projectDir` expands ${project_dir}/${PROJECT_DIR}. */
export function extractCMake(cmakeFile: string, text: string, projectDir?: string): CMakeFacts {
  const lines = new LineIndex(text);
  const register = parseCMake(text).find((c) => c.name.toLowerCase() === 'idf_component_register');
  const keyword = register?.args.find((a) => a.text === 'EMBED_TXTFILES' && !a.quoted);
  // New keywords line up with the call's last keyword (`INCLUDE_DIRS`, `REQUIRES`...).
  const lastKeyword = register?.args.filter((a) => !a.quoted && KEYWORD.test(a.text)).at(-1);
  return {
    embeds: extractEmbeds(cmakeFile, text, projectDir),
    register: register && {
      close: lines.position(register.end - 1),
      embedTxtKeywordEnd: keyword && lines.position(keyword.end),
      indent: lastKeyword ? ' '.repeat(lines.position(lastKeyword.start).character) : '    ',
    },
  };
}

export function extractEmbeds(cmakeFile: string, text: string, projectDir?: string): EmbedFact[] {
  const dir = path.dirname(cmakeFile);
  const commands = parseCMake(text);
  const vars = new Map<string, string[]>();
  const builtins: Record<string, string | undefined> = {
    CMAKE_CURRENT_LIST_DIR: dir, CMAKE_CURRENT_SOURCE_DIR: dir, COMPONENT_DIR: dir, COMPONENT_PATH: dir,
    project_dir: projectDir, PROJECT_DIR: projectDir, CMAKE_SOURCE_DIR: projectDir,
  };
  const expand = (t: Token): string[] => {
    const whole = /^\$\{(\w+)\}$/.exec(t.text);
    if (whole && vars.has(whole[1])) return vars.get(whole[1])!;
    return [t.text.replace(/\$\{(\w+)\}/g, (m, v: string) => builtins[v] ?? vars.get(v)?.join(';') ?? m)];
  };
  const lines = new LineIndex(text);
  const out: EmbedFact[] = [];
  const add = (written: string, token: Token, mode: 'text' | 'binary', via: EmbedFact['via'], modeTok: Token, cmd: Command, listSize: number, rename?: string) => {
    const resolved = /\$\{/.test(written) ? undefined : path.resolve(dir, written);
    out.push({
      written, file: resolved, mode, via, symbol: embedSymbol(rename ?? written),
      range: lines.range(token.start, token.end), tokenRange: lines.range(token.start - (token.quoted ? 1 : 0), token.end + (token.quoted ? 1 : 0)), modeRange: lines.range(modeTok.start, modeTok.end),
      commandRange: lines.range(cmd.start, cmd.end), listSize,
    });
  };

  for (const cmd of commands) {
    const name = cmd.name.toLowerCase();
    if (name === 'set' && cmd.args.length) {
      const [v, ...values] = cmd.args;
      vars.set(v.text, values.flatMap(expand).flatMap((x) => x.split(';')).filter(Boolean));
      if (v.text === 'COMPONENT_EMBED_TXTFILES' || v.text === 'COMPONENT_EMBED_FILES') {
        const mode = v.text === 'COMPONENT_EMBED_TXTFILES' ? 'text' : 'binary';
        for (const t of values) for (const f of expand(t)) add(f, t, mode, v.text, v, cmd, values.length);
      }
    } else if (name === 'idf_component_register') {
      let mode: 'text' | 'binary' | undefined;
      let keyword: Token | undefined;
      const lists = groupLists(cmd.args);
      for (const t of cmd.args) {
        if (KEYWORD.test(t.text) && !t.quoted) { mode = EMBED_KEYWORDS[t.text]; keyword = t; continue; }
        if (mode && keyword) for (const f of expand(t)) add(f, t, mode, keyword.text as EmbedFact['via'], keyword, cmd, lists.get(keyword) ?? 1);
      }
    } else if (name === 'target_add_binary_data' && cmd.args.length >= 3) {
      const [, file, type, ...rest] = cmd.args;
      const rename = rest[rest.findIndex((t) => t.text === 'RENAME_TO') + 1];
      const mode = type.text.toUpperCase() === 'TEXT' ? 'text' : 'binary';
      for (const f of expand(file)) add(f, file, mode, 'target_add_binary_data', type, cmd, 1, rest.some((t) => t.text === 'RENAME_TO') ? rename?.text : undefined);
    }
  }
  return out;
}

/** How many files each EMBED_ keyword lists. */
function groupLists(args: Token[]): Map<Token, number> {
  const sizes = new Map<Token, number>();
  let current: Token | undefined;
  for (const t of args) {
    if (KEYWORD.test(t.text) && !t.quoted) { current = EMBED_KEYWORDS[t.text] ? t : undefined; if (current) sizes.set(current, 0); continue; }
    if (current) sizes.set(current, sizes.get(current)! + 1);
  }
  return sizes;
}

/** Commands with their arguments (quoted or not) and offsets; comments and bracket arguments skipped. */
export function parseCMake(text: string): Command[] {
  const out: Command[] = [];
  const re = /([A-Za-z_]\w*)\s*\(/g;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '#') { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl + 1; continue; }
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) break;
    // Skip comments between i and the match.
    const hash = text.slice(i, m.index).indexOf('#');
    if (hash >= 0) { const nl = text.indexOf('\n', i + hash); i = nl < 0 ? text.length : nl + 1; continue; }
    const cmd: Command = { name: m[1], args: [], start: m.index, end: m.index };
    i = readArgs(text, m.index + m[0].length, cmd.args);
    cmd.end = i;
    out.push(cmd);
  }
  return out;
}

function readArgs(text: string, from: number, args: Token[]): number {
  let i = from, depth = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ')') { if (depth === 0) return i + 1; depth--; i++; continue; }
    if (c === '(') { depth++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl + 1; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      args.push({ text: text.slice(i + 1, j), start: i + 1, end: j, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()#"]/.test(text[j])) j++;
    args.push({ text: text.slice(i, j), start: i, end: j, quoted: false });
    i = j;
  }
  return i;
}
