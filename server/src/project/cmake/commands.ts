// list() and string() subcommands, and get_filename_component's modes: the ones ESP-IDF components use
// to build source and embed lists. A subcommand not handled here leaves its output unknown.
import path from 'node:path';
import type { Token } from './parse';
import type { Evaluator } from './evaluate';
import { joined, listItems, type Item } from './values';

export function listCommand(ev: Evaluator, args: Token[]): void {
  const [sub, v, ...rest] = args;
  if (!sub || !v) return;
  // list(APPEND x ...) on a variable never set starts from an empty list, as CMake does.
  const current = (): Item[] => listItems(ev.lookup(v.text) ?? []);
  const values = (): Item[] => rest.flatMap((t) => ev.expandList(t));
  switch (sub.text) {
    case 'APPEND': ev.assign(v.text, [...current(), ...values()]); return;
    case 'PREPEND': ev.assign(v.text, [...values(), ...current()]); return;
    case 'INSERT': ev.assign(v.text, [...current(), ...rest.slice(1).flatMap((t) => ev.expandList(t))]); return;
    case 'REMOVE_ITEM': {
      const drop = values();
      if (drop.some((d) => d.unknown)) { ev.assign(v.text, ev.unknownValue(`\${${v.text}}`)); return; }
      const texts = new Set(drop.map((d) => d.text));
      ev.assign(v.text, current().filter((i) => !texts.has(i.text)));
      return;
    }
    case 'REMOVE_DUPLICATES': { const seen = new Set<string>(); ev.assign(v.text, current().filter((i) => !seen.has(i.text) && seen.add(i.text))); return; }
    case 'REVERSE': ev.assign(v.text, current().reverse()); return;
    case 'SORT': ev.assign(v.text, current().sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))); return;
    case 'LENGTH': if (rest[0]) ev.assign(rest[0].text, [{ text: String(current().length) }]); return;
    case 'JOIN': if (rest[1]) ev.assign(rest[1].text, [{ text: current().map((i) => i.text).join(joined(ev.expand(rest[0]))) }]); return;
    case 'GET': {
      const out = rest.at(-1);
      if (!out) return;
      const list = current();
      ev.assign(out.text, rest.slice(0, -1).map((t) => list.at(Number(joined(ev.expand(t))))).filter((i): i is Item => !!i));
      return;
    }
    case 'FILTER': {
      const [mode, regexKw, re] = rest;
      let pattern: RegExp | undefined;
      try { pattern = regexKw?.text === 'REGEX' && re ? new RegExp(joined(ev.expand(re))) : undefined; } catch { pattern = undefined; }
      if (!pattern) { ev.assign(v.text, ev.unknownValue(`\${${v.text}}`)); return; }
      const include = mode?.text === 'INCLUDE';
      ev.assign(v.text, current().filter((i) => i.unknown || pattern!.test(i.text) === include));
      return;
    }
    case 'TRANSFORM': {
      const [action, arg] = rest;
      const add = arg ? joined(ev.expand(arg)) : '';
      const f = action?.text === 'PREPEND' ? (s: string) => add + s : action?.text === 'APPEND' ? (s: string) => s + add
        : action?.text === 'TOUPPER' ? (s: string) => s.toUpperCase() : action?.text === 'TOLOWER' ? (s: string) => s.toLowerCase()
          : action?.text === 'STRIP' ? (s: string) => s.trim() : undefined;
      ev.assign(v.text, f ? current().map((i) => (i.unknown ? i : { ...i, text: f(i.text), at: undefined })) : ev.unknownValue(`\${${v.text}}`));
      return;
    }
    case 'FIND': if (rest[1]) { const item = joined(ev.expand(rest[0])); ev.assign(rest[1].text, [{ text: String(current().findIndex((i) => i.text === item)) }]); } return;
    default: ev.assign(v.text, ev.unknownValue(`\${${v.text}}`));
  }
}

export function stringCommand(ev: Evaluator, args: Token[]): void {
  const [sub, ...rest] = args;
  if (!sub) return;
  const text = (t: Token | undefined) => (t ? ev.expand(t) : []);
  const str = (tokens: Token[]) => tokens.map((t) => joined(ev.expand(t))).join('');
  const unknownIn = (tokens: Token[]) => tokens.some((t) => ev.expand(t).some((i) => i.unknown));
  const put = (out: Token | undefined, value: string, inputs: Token[]) => {
    if (out) ev.assign(out.text, unknownIn(inputs) ? ev.unknownValue(`\${${out.text}}`) : [{ text: value }]);
  };
  switch (sub.text) {
    case 'APPEND': if (rest[0]) put(rest[0], joined(ev.lookup(rest[0].text) ?? []) + str(rest.slice(1)), rest.slice(1)); return;
    case 'PREPEND': if (rest[0]) put(rest[0], str(rest.slice(1)) + joined(ev.lookup(rest[0].text) ?? []), rest.slice(1)); return;
    case 'CONCAT': put(rest[0], str(rest.slice(1)), rest.slice(1)); return;
    case 'REPLACE': put(rest[2], str(rest.slice(3)).split(joined(text(rest[0]))).join(joined(text(rest[1]))), rest); return;
    case 'TOUPPER': put(rest[1], str(rest.slice(0, 1)).toUpperCase(), rest.slice(0, 1)); return;
    case 'TOLOWER': put(rest[1], str(rest.slice(0, 1)).toLowerCase(), rest.slice(0, 1)); return;
    case 'STRIP': put(rest[1], str(rest.slice(0, 1)).trim(), rest.slice(0, 1)); return;
    case 'MAKE_C_IDENTIFIER': put(rest[1], str(rest.slice(0, 1)).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1'), rest.slice(0, 1)); return;
    case 'REGEX': {
      const [mode, re, ...more] = rest;
      if (mode?.text !== 'REPLACE' || !re || more.length < 2) { const out = mode?.text === 'REPLACE' ? more[1] : more[0]; if (out) ev.assign(out.text, ev.unknownValue(`\${${out.text}}`)); return; }
      let pattern: RegExp | undefined;
      try { pattern = new RegExp(joined(ev.expand(re)), 'g'); } catch { pattern = undefined; }
      const [replacement, out, ...inputs] = more;
      if (!pattern) { ev.assign(out.text, ev.unknownValue(`\${${out.text}}`)); return; }
      put(out, str(inputs).replace(pattern, joined(ev.expand(replacement)).replace(/\\(\d)/g, '$$$1')), inputs);
      return;
    }
    default: {
      // SUBSTRING, FIND, LENGTH, JSON...: the output variable is the last argument.
      const out = rest.at(-1);
      if (out) ev.assign(out.text, ev.unknownValue(`\${${out.text}}`));
    }
  }
}

/** get_filename_component's modes. */
export function pathComponent(p: string, mode: string, baseDir: string): string {
  switch (mode) {
    case 'DIRECTORY': case 'PATH': return path.posix.dirname(p.replace(/\\/g, '/'));
    case 'NAME': return path.basename(p);
    case 'EXT': { const b = path.basename(p); const dot = b.indexOf('.'); return dot < 0 ? '' : b.slice(dot); }
    case 'NAME_WE': { const b = path.basename(p); const dot = b.indexOf('.'); return dot < 0 ? b : b.slice(0, dot); }
    case 'LAST_EXT': return path.extname(p);
    case 'NAME_WLE': return path.basename(p, path.extname(p));
    case 'ABSOLUTE': case 'REALPATH': return path.resolve(baseDir, p);
    default: return p;
  }
}
