// What one CMakeLists.txt gives the build, read through the evaluator: the files it embeds
// (idf_component_register EMBED_FILES / EMBED_TXTFILES, target_add_binary_data, the legacy
// register_component variables), the sources it compiles (SRCS, SRC_DIRS, EXCLUDE_SRCS,
// target_sources), the binaries the build generates (ulp_embed_binary: never a TLS embed) and what
// could not be read. shared/reference/embedding.md has the symbol and NUL rules.
import path from 'node:path';
import { LineIndex } from '../../positions';
import type { Range } from '../../rules/finding';
import { evaluateCMake, type EvalHost, type EvaluatedArg, type EvaluatedCall } from './evaluate';
import type { Item } from './values';
import { embedSymbol, type CMakeFacts, type EmbedFact, type UnknownEmbed } from './facts';

/** idf_component_register's keywords: each ends the list before it. */
const KEYWORD = /^(SRCS|SRC_DIRS|EXCLUDE_SRCS|INCLUDE_DIRS|PRIV_INCLUDE_DIRS|LDFRAGMENTS|REQUIRES|PRIV_REQUIRES|REQUIRED_IDF_TARGETS|EMBED_FILES|EMBED_TXTFILES|KCONFIG|KCONFIG_PROJBUILD|WHOLE_ARCHIVE)$/;
const SOURCE_GLOB = /\.(c|cpp|cc|cxx|S)$/;

/** Calls that can add sources or embeds we do not follow: the component's source list is then incomplete. */
const OPAQUE = /^(add_subdirectory|include|add_library|externalproject_add|idf_component_mock)$/;

export function readComponentCMake(file: string, text: string, host: EvalHost): CMakeFacts {
  const ev = evaluateCMake(file, text, host);
  const lines = new LineIndex(text);
  const dir = path.dirname(file);
  const embeds: EmbedFact[] = [];
  const unknownEmbeds: UnknownEmbed[] = [];
  const generated: string[] = [];
  const sources = new Set<string>();
  let complete = true;
  let registered = false;
  const defined = new Set(ev.notes.map((n) => /^(?:function|macro)\((\w+)\)/.exec(n)?.[1]?.toLowerCase()).filter((n): n is string => !!n));
  const rangeOf = (item: Item | undefined, fallback: { start: number; end: number }): Range => {
    const at = item?.at && item.at.file === file ? item.at : fallback;
    return lines.range(at.start, at.end);
  };

  const addEmbed = (item: Item, mode: 'text' | 'binary', via: EmbedFact['via'], keyword: EvaluatedArg, call: EvaluatedCall, listSize: number, rename?: string): void => {
    const fallback = { start: keyword.token.start, end: keyword.token.end };
    const range = rangeOf(item, fallback);
    const fromVariable = !item.at || item.at.file !== file || !call.args.some((a) => a.token.start === item.at!.start);
    const written = item.text;
    if (item.unknown) {
      const base = written.split(/[\\/]/).pop() ?? '';
      // `${DIR}/ca.pem` still names its symbol; `${cert}` does not.
      if (rename || !base.includes('$')) embeds.push(embed());
      else unknownEmbeds.push({ written, range, maybe: !!(call.maybe || item.maybe) });
      return;
    }
    embeds.push(embed());
    function embed(): EmbedFact {
      const resolved = item.unknown ? undefined : path.resolve(host.builtins.CMAKE_CURRENT_LIST_DIR ?? dir, written);
      const quoted = item.at && text[item.at.start - 1] === '"';
      const e: EmbedFact = {
        written, file: resolved, mode, via, symbol: embedSymbol(rename ?? written),
        range, tokenRange: quoted ? lines.range(item.at!.start - 1, item.at!.end + 1) : range,
        modeRange: lines.range(keyword.token.start, keyword.token.end),
        commandRange: lines.range(call.cmd.start, call.cmd.end), listSize: fromVariable ? Math.max(listSize, 2) : listSize,
      };
      if (call.maybe || item.maybe) e.maybe = true;
      if (fromVariable) e.fromVariable = true;
      return e;
    }
  };

  const addSources = (items: Item[]): void => {
    for (const i of items) {
      if (i.unknown) complete = false;
      else sources.add(path.resolve(dir, i.text));
    }
  };

  for (const call of ev.calls) {
    if (call.name === 'idf_component_register') {
      registered = true;
      const lists = keywordLists(call.args);
      for (const [kw, args] of lists) {
        const items = args.flatMap((a) => a.items.map((item) => ({ item, arg: a })));
        if (kw.token.text === 'EMBED_TXTFILES' || kw.token.text === 'EMBED_FILES') {
          for (const { item } of items) addEmbed(item, kw.token.text === 'EMBED_TXTFILES' ? 'text' : 'binary', kw.token.text, kw, call, items.length);
        } else if (kw.token.text === 'SRCS') addSources(items.map((x) => x.item));
        else if (kw.token.text === 'SRC_DIRS') globSources(items.map((x) => x.item));
      }
      const excluded = lists.filter(([kw]) => kw.token.text === 'EXCLUDE_SRCS').flatMap(([, a]) => a.flatMap((x) => x.items));
      for (const x of excluded) if (!x.unknown) sources.delete(path.resolve(dir, x.text));
    } else if (call.name === 'register_component') {
      registered = true;
      registerComponentLegacy(call);
    } else if (call.name === 'target_add_binary_data' && call.args.length >= 3) {
      const [, fileArg, type, ...rest] = call.args;
      const renameAt = rest.findIndex((a) => a.token.text === 'RENAME_TO');
      const rename = renameAt >= 0 ? rest[renameAt + 1]?.items[0]?.text : undefined;
      const mode = type.token.text.toUpperCase() === 'TEXT' ? 'text' : 'binary';
      for (const item of fileArg.items) addEmbed(item, mode, 'target_add_binary_data', type, call, 1, rename);
    } else if (call.name === 'ulp_embed_binary' || call.name === 'ulp_add_project') {
      // The ULP program is built and embedded as `_binary_<app>_bin_start`: generated, never a certificate.
      const app = call.args[0]?.items[0];
      if (app && !app.unknown) generated.push(`${embedSymbol(app.text)}_bin`);
      else generated.push('*');
    } else if (call.name === 'target_sources') {
      addSources(call.args.slice(1).flatMap((a) => (/^(PRIVATE|PUBLIC|INTERFACE)$/.test(a.token.text) ? [] : a.items)));
    } else if (OPAQUE.test(call.name) || defined.has(call.name)) {
      complete = false;
    }
  }

  function globSources(dirs: Item[]): void {
    for (const d of dirs) {
      if (d.unknown) { complete = false; continue; }
      const found = host.glob([path.resolve(dir, d.text, '*')], false);
      if (!found) { complete = false; continue; }
      for (const f of found) if (SOURCE_GLOB.test(f)) sources.add(f);
    }
  }

  // ESP-IDF v3/v4 register_component(): COMPONENT_SRCS or COMPONENT_SRCDIRS, and COMPONENT_EMBED_(TXT)FILES.
  function registerComponentLegacy(call: EvaluatedCall): void {
    const at = { token: { text: 'register_component', start: call.cmd.start, end: call.cmd.start + call.name.length, quoted: false }, items: [] };
    const legacy = ev.vars;
    for (const [name, mode] of [['COMPONENT_EMBED_TXTFILES', 'text'], ['COMPONENT_EMBED_FILES', 'binary']] as const) {
      const items = legacy.get(name) ?? [];
      const keyword = setKeyword(name) ?? at;
      for (const item of items) addEmbed(item, mode, name, keyword, call, items.length);
    }
    if (legacy.has('COMPONENT_SRCS')) addSources(legacy.get('COMPONENT_SRCS')!);
    else if (legacy.has('COMPONENT_SRCDIRS')) globSources(legacy.get('COMPONENT_SRCDIRS')!);
  }

  /** The NAME token of `set(NAME ...)`, which decides the legacy embed's mode (the quick fix renames it). */
  function setKeyword(name: string): EvaluatedArg | undefined {
    const m = new RegExp(`\\bset\\s*\\(\\s*(${name})\\b`).exec(text);
    return m ? { token: { text: name, start: m.index + m[0].length - name.length, end: m.index + m[0].length, quoted: false }, items: [] } : undefined;
  }

  return {
    embeds, unknownEmbeds, generatedSymbols: generated,
    sources: registered || !ev.calls.some((c) => OPAQUE.test(c.name)) ? { files: [...sources].sort(), complete } : { files: [], complete: false },
    notes: ev.notes,
  };
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
