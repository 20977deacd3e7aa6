// What one CMakeLists.txt gives the build, read through the evaluator: the files it embeds
// (idf_component_register EMBED_FILES / EMBED_TXTFILES, target_add_binary_data, the legacy
// register_component variables), the sources it compiles (SRCS, SRC_DIRS, EXCLUDE_SRCS,
// target_sources), the binaries the build generates (ulp_embed_binary: never a TLS embed) and what
// could not be read. shared/reference/embedding.md has the symbol and NUL rules.
import path from 'node:path';
import { LineIndex } from '../../positions';
import { evaluateCMake, type EvalHost, type EvaluatedArg, type EvaluatedCall, type Evaluation } from './evaluate';
import type { Token } from './parse';
import type { Item } from './values';
import { embedSymbol, type CMakeFacts, type EmbedFact } from './facts';

/** idf_component_register's keywords: each ends the list before it. */
const KEYWORD = /^(SRCS|SRC_DIRS|EXCLUDE_SRCS|INCLUDE_DIRS|PRIV_INCLUDE_DIRS|LDFRAGMENTS|REQUIRES|PRIV_REQUIRES|REQUIRED_IDF_TARGETS|EMBED_FILES|EMBED_TXTFILES|KCONFIG|KCONFIG_PROJBUILD|WHOLE_ARCHIVE)$/;
/** What SRC_DIRS takes from a folder (ESP-IDF globs *.c, *.cpp, *.S; *.cc and *.cxx are counted too, to be safe). */
export const SOURCE_GLOB = /\.(c|cpp|cc|cxx|S)$/;
/** Calls that can add sources we do not follow: the component's source list is then incomplete.
 * include() is not among them: components include CMake modules, not sources. */
const OPAQUE = /^(add_subdirectory|add_library|externalproject_add|idf_component_mock)$/;

interface Embedding { mode: 'text' | 'binary'; via: EmbedFact['via']; keyword: Token; call: EvaluatedCall; listSize: number; rename?: string }

export function readComponentCMake(file: string, text: string, host: EvalHost): CMakeFacts {
  return new ComponentReader(file, text, host, evaluateCMake(file, text, host)).read();
}

class ComponentReader {
  private readonly lines: LineIndex;
  private readonly dir: string;
  private readonly facts: Required<Omit<CMakeFacts, 'register'>>;
  private readonly sources = new Set<string>();

  constructor(private readonly file: string, private readonly text: string, private readonly host: EvalHost, private readonly ev: Evaluation) {
    this.lines = new LineIndex(text);
    this.dir = host.builtins.CMAKE_CURRENT_LIST_DIR ?? path.dirname(file);
    this.facts = { embeds: [], unknownEmbeds: [], generatedSymbols: [], notes: ev.notes, sources: { files: [], dirs: [], complete: true } };
  }

  read(): CMakeFacts {
    for (const call of this.ev.calls) this.call(call);
    this.facts.sources.files = [...this.sources].sort();
    return this.facts;
  }

  private call(call: EvaluatedCall): void {
    const name = call.name;
    if (name === 'idf_component_register') this.register(call);
    else if (name === 'register_component') this.registerLegacy(call);
    else if (name === 'target_add_binary_data' && call.args.length >= 3) {
      const [, fileArg, type, ...rest] = call.args;
      const renameAt = rest.findIndex((a) => a.token.text === 'RENAME_TO');
      const rename = renameAt >= 0 ? rest[renameAt + 1]?.items[0]?.text : undefined;
      const mode = type.token.text.toUpperCase() === 'TEXT' ? 'text' : 'binary';
      for (const item of fileArg.items) this.embed(item, { mode, via: 'target_add_binary_data', keyword: type.token, call, listSize: 1, rename });
    } else if (name === 'ulp_embed_binary' || name === 'ulp_add_project') {
      // The ULP program is built and embedded as `_binary_<app>_bin_start`: generated, never a certificate.
      const app = call.args[0]?.items[0];
      this.facts.generatedSymbols.push(app && !app.unknown ? `${embedSymbol(app.text)}_bin` : '*');
    } else if (name === 'target_sources') {
      this.addSources(call.args.slice(1).filter((a) => !/^(PRIVATE|PUBLIC|INTERFACE)$/.test(a.token.text)).flatMap((a) => a.items));
    } else if (OPAQUE.test(name) || this.ev.functions.has(name)) {
      this.facts.sources.complete = false;
    }
  }

  private register(call: EvaluatedCall): void {
    for (const [kw, args] of keywordLists(call.args)) {
      const items = args.flatMap((a) => a.items);
      const k = kw.token.text;
      if (k === 'EMBED_TXTFILES' || k === 'EMBED_FILES') {
        for (const item of items) this.embed(item, { mode: k === 'EMBED_TXTFILES' ? 'text' : 'binary', via: k, keyword: kw.token, call, listSize: items.length });
      } else if (k === 'SRCS') this.addSources(items);
      else if (k === 'SRC_DIRS') this.addSourceDirs(items);
      else if (k === 'EXCLUDE_SRCS') for (const x of items) if (!x.unknown) this.sources.delete(path.resolve(this.dir, x.text));
    }
  }

  /** ESP-IDF v3/v4 register_component(): COMPONENT_SRCS or COMPONENT_SRCDIRS, and COMPONENT_EMBED_(TXT)FILES. */
  private registerLegacy(call: EvaluatedCall): void {
    const vars = this.ev.vars;
    for (const [name, mode] of [['COMPONENT_EMBED_TXTFILES', 'text'], ['COMPONENT_EMBED_FILES', 'binary']] as const) {
      const items = vars.get(name) ?? [];
      // The variable's name in its set() decides the mode: the quick fix renames it.
      const keyword = this.ev.setAt.get(name) ?? { text: call.name, start: call.cmd.start, end: call.cmd.start + call.name.length, quoted: false };
      for (const item of items) this.embed(item, { mode, via: name, keyword, call, listSize: items.length });
    }
    if (vars.has('COMPONENT_SRCS')) this.addSources(vars.get('COMPONENT_SRCS')!);
    else if (vars.has('COMPONENT_SRCDIRS')) this.addSourceDirs(vars.get('COMPONENT_SRCDIRS')!);
  }

  private addSources(items: Item[]): void {
    for (const i of items) {
      if (i.unknown) this.facts.sources.complete = false;
      else this.sources.add(path.resolve(this.dir, i.text));
    }
  }

  private addSourceDirs(dirs: Item[]): void {
    for (const d of dirs) {
      const found = d.unknown ? undefined : this.host.glob([path.resolve(this.dir, d.text, '*')], false);
      if (!found) { this.facts.sources.complete = false; continue; }
      this.facts.sources.dirs.push(path.resolve(this.dir, d.text));
      for (const f of found) if (SOURCE_GLOB.test(f)) this.sources.add(f);
    }
  }

  private embed(item: Item, how: Embedding): void {
    const { call, keyword } = how;
    const at = item.at && item.at.file === this.file ? item.at : keyword;
    const range = this.lines.range(at.start, at.end);
    const maybe = call.maybe || !!item.maybe;
    // `${DIR}/ca.pem` still names its symbol (the basename is written); `${cert}` does not.
    if (item.unknown && !how.rename && (item.text.split(/[\\/]/).pop() ?? '').includes('$')) {
      this.facts.unknownEmbeds.push({ written: item.text, range, maybe });
      return;
    }
    const quoted = at === item.at && this.text[at.start - 1] === '"';
    const e: EmbedFact = {
      written: item.text, file: item.unknown ? undefined : path.resolve(this.dir, item.text), mode: how.mode, via: how.via,
      symbol: embedSymbol(how.rename ?? item.text),
      range, tokenRange: quoted ? this.lines.range(at.start - 1, at.end + 1) : range,
      modeRange: this.lines.range(keyword.start, keyword.end),
      commandRange: this.lines.range(call.cmd.start, call.cmd.end), listSize: how.listSize,
    };
    if (maybe) e.maybe = true;
    // Written in a set() (or built from pieces), not in the call's own list.
    if (at !== item.at || !call.args.some((a) => a.token.start === at.start)) e.fromVariable = true;
    this.facts.embeds.push(e);
  }
}

/** Keyword -> the arguments up to the next keyword. */
function keywordLists(args: EvaluatedArg[]): [EvaluatedArg, EvaluatedArg[]][] {
  const out: [EvaluatedArg, EvaluatedArg[]][] = [];
  for (const a of args) {
    if (!a.token.quoted && KEYWORD.test(a.token.text)) out.push([a, []]);
    else out.at(-1)?.[1].push(a);
  }
  return out;
}
