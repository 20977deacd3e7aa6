// A small interpreter for the CMake that ESP-IDF components and projects write: variables, lists,
// if/elseif/else over CONFIG_* and the rest, foreach, file(GLOB), string and path helpers. It records the
// build-system calls it meets (idf_component_register, target_add_binary_data, ...) with their arguments
// expanded; project/cmake/component.ts reads those. It spawns no process and never throws on odd input:
// what cannot be known statically becomes an unknown item, and a branch whose condition is unknown is
// taken both ways, its results marked "maybe".
import path from 'node:path';
import { parseCMake, type Command, type Token } from './parse';
import { evalCondition, type CondArg } from './condition';
import { isUnknown, joined, listItems, maybeOf, type Item, type Value } from './values';
import { listCommand, stringCommand, pathComponent } from './commands';

export interface EvalHost {
  /** Variables the build system defines before this file runs (CMAKE_CURRENT_LIST_DIR, COMPONENT_DIR...);
   * an undefined entry means "defined, but its value cannot be known here". */
  builtins: Record<string, string | undefined>;
  /** A CONFIG_ option's value as CMake sees it: `y`, the value, '' when unset; undefined when unknown. */
  config(name: string): string | undefined;
  env: NodeJS.ProcessEnv;
  exists(p: string): boolean;
  isDir(p: string): boolean;
  /** Files matching the globs (absolute), or undefined when the folder cannot be read. */
  glob(globs: string[], recurse: boolean): string[] | undefined;
  /** Build properties idf_build_get_property can answer (PROJECT_DIR, IDF_TARGET...). */
  buildProperty(name: string): string | undefined;
}

export interface EvaluatedArg { token: Token; items: Item[] }

export interface EvaluatedCall {
  name: string;
  cmd: Command;
  args: EvaluatedArg[];
  /** Inside a branch whose condition could not be decided. */
  maybe: boolean;
}

export interface Evaluation {
  calls: EvaluatedCall[];
  vars: Map<string, Value>;
  /** The name token of the last `set(NAME ...)` of each variable (a quick fix may rename it). */
  setAt: Map<string, Token>;
  /** Functions and macros the file defines: their bodies are not evaluated, so a call to one is opaque. */
  functions: Set<string>;
  /** What could not be read, in words, for a note ("function my_embed() is not evaluated"). */
  notes: string[];
}

type Node =
  | { kind: 'cmd'; cmd: Command }
  | { kind: 'if'; branches: { cond?: Command; body: Node[] }[] }
  | { kind: 'foreach'; cmd: Command; body: Node[] }
  | { kind: 'skip'; cmd: Command; body: Node[] };

/** Evaluates one CMake file in a scope of its own (what the build defines comes from the host). */
export function evaluateCMake(file: string, text: string, host: EvalHost): Evaluation {
  const ev = new Evaluator(file, host, new Map());
  try {
    ev.run(blocks(parseCMake(text)), false);
  } catch (e) {
    if (e !== RETURN) ev.notes.push(`stopped reading: ${String(e)}`);
  }
  return { calls: ev.calls, vars: ev.vars, setAt: ev.setAt, functions: ev.functions, notes: ev.notes };
}

const RETURN = Symbol('return');
const MAX_STEPS = 20_000; // a foreach over a huge glob or a pathological file: stop, never hang

/** Nests if/foreach/while/function/macro/block bodies under their opening command. */
function blocks(cmds: Command[]): Node[] {
  let i = 0;
  const until = (ends: RegExp): Node[] => {
    const out: Node[] = [];
    while (i < cmds.length) {
      const cmd = cmds[i];
      const name = cmd.name.toLowerCase();
      if (ends.test(name)) return out;
      i++;
      if (name === 'if') out.push(ifNode(cmd));
      else if (name === 'foreach') { out.push({ kind: 'foreach', cmd, body: until(/^endforeach$/) }); i++; }
      else if (/^(while|function|macro|block)$/.test(name)) { out.push({ kind: 'skip', cmd, body: until(new RegExp(`^end${name}$`)) }); i++; }
      else out.push({ kind: 'cmd', cmd });
    }
    return out;
  };
  const ifNode = (first: Command): Node => {
    const branches: { cond?: Command; body: Node[] }[] = [{ cond: first, body: until(/^(elseif|else|endif)$/) }];
    while (i < cmds.length) {
      const next = cmds[i++];
      const n = next.name.toLowerCase();
      if (n === 'endif') break;
      branches.push({ cond: n === 'elseif' ? next : undefined, body: until(/^(elseif|else|endif)$/) });
    }
    return { kind: 'if', branches };
  };
  return until(/^$/);
}

export class Evaluator {
  readonly calls: EvaluatedCall[] = [];
  readonly notes: string[] = [];
  readonly setAt = new Map<string, Token>();
  readonly functions = new Set<string>();
  private steps = 0;
  /** After a return() whose branch was undecided, everything else may not run. */
  private tailMaybe = false;

  constructor(private readonly file: string, private readonly host: EvalHost, public vars: Map<string, Value>) {}

  run(nodes: Node[], maybe: boolean): void {
    for (const node of nodes) {
      if (++this.steps > MAX_STEPS) throw new Error('too many steps');
      const m = maybe || this.tailMaybe;
      if (node.kind === 'cmd') this.command(node.cmd, m);
      else if (node.kind === 'if') this.ifElse(node.branches, m);
      else if (node.kind === 'foreach') this.foreach(node.cmd, node.body, m);
      else this.skipped(node.cmd, node.body, m);
    }
  }

  /** function/macro bodies are remembered by name, not run; while loops are not run; block() bodies are. */
  private skipped(cmd: Command, body: Node[], maybe: boolean): void {
    const kind = cmd.name.toLowerCase();
    if (kind === 'block') return this.run(body, maybe);
    const name = cmd.args[0]?.text ?? '';
    if (kind !== 'while') this.functions.add(name.toLowerCase());
    this.notes.push(`${kind}(${name}) is not evaluated`);
  }

  private ifElse(branches: { cond?: Command; body: Node[] }[], maybe: boolean): void {
    for (let b = 0; b < branches.length; b++) {
      const { cond, body } = branches[b];
      const holds = cond ? evalCondition(cond.args.map((t) => this.condArg(t)), (n) => this.lookup(n), this.host) : true;
      if (holds === false) continue;
      if (holds === true) { this.run(body, maybe); return; }
      // Undecided: take this branch and the rest, each from the same start, and keep both outcomes.
      const start = new Map(this.vars);
      const tail = this.tailMaybe;
      this.run(body, true);
      const taken = this.vars;
      this.vars = new Map(start);
      this.ifElse(branches.slice(b + 1), true);
      this.vars = mergeScopes(taken, this.vars);
      this.tailMaybe = tail;
      return;
    }
  }

  private foreach(cmd: Command, body: Node[], maybe: boolean): void {
    const [loopVar, ...rest] = cmd.args;
    if (!loopVar) return;
    const items = this.foreachItems(rest);
    if (items === undefined || isUnknown(items)) {
      this.vars.set(loopVar.text, [{ text: `\${${loopVar.text}}`, unknown: true }]);
      this.run(body, true);
      return;
    }
    for (const item of items) {
      this.vars.set(loopVar.text, [item]);
      this.run(body, maybe);
    }
  }

  private foreachItems(args: Token[]): Value | undefined {
    const kw = args[0]?.text;
    if (kw === 'RANGE') {
      const nums = args.slice(1).map((t) => Number(joined(this.expand(t))));
      if (nums.some((n) => !Number.isInteger(n))) return undefined;
      const [a, b, step = 1] = nums.length === 1 ? [0, nums[0]] : nums;
      const out: Value = [];
      for (let n = a; n <= b && out.length < 1000; n += Math.max(1, step)) out.push({ text: String(n) });
      return out;
    }
    if (kw === 'IN') {
      const out: Value = [];
      let mode = '';
      for (const t of args.slice(1)) {
        if (!t.quoted && /^(LISTS|ITEMS|ZIP_LISTS)$/.test(t.text)) { mode = t.text; continue; }
        if (mode === 'LISTS') out.push(...listItems(this.lookup(t.text) ?? []));
        else if (mode === 'ITEMS') out.push(...this.expandList(t));
        else return undefined;
      }
      return out;
    }
    return args.flatMap((t) => this.expandList(t));
  }

  private command(cmd: Command, maybe: boolean): void {
    const name = cmd.name.toLowerCase();
    const args = cmd.args;
    switch (name) {
      case 'set': return this.set(args);
      case 'unset': if (args[0]) this.vars.delete(args[0].text); return;
      case 'option': if (args[0] && !this.vars.has(args[0].text)) this.vars.set(args[0].text, [{ text: args[2] ? joined(this.expand(args[2])) : 'OFF' }]); return;
      case 'list': return listCommand(this, args);
      case 'string': return stringCommand(this, args);
      case 'file': return this.fileCommand(args);
      case 'get_filename_component': return this.filenameComponent(args);
      case 'idf_build_get_property': {
        if (!args[1]) return;
        const v = this.host.buildProperty(args[1].text);
        this.assign(args[0].text, v === undefined ? this.unknownValue(`$<${args[1].text}>`) : [{ text: v }]);
        return;
      }
      case 'idf_component_get_property': case 'get_property': case 'get_target_property': case 'execute_process': case 'find_program': case 'find_file': case 'find_path': {
        // The output variable is the first argument (execute_process names it after OUTPUT_VARIABLE).
        const at = name === 'execute_process' ? args.findIndex((t) => t.text === 'OUTPUT_VARIABLE') + 1 : 0;
        const out = at > 0 || name !== 'execute_process' ? args[at] : undefined;
        if (out) this.assign(out.text, this.unknownValue(`${cmd.name}()`));
        return;
      }
      // math(EXPR ...) is rare in components and never names a file: its result is left unknown.
      case 'math': if (args[1]) this.assign(args[1].text, this.unknownValue('math()')); return;
      case 'return': if (maybe) { this.tailMaybe = true; return; } throw RETURN;
      case 'include': case 'message': case 'cmake_minimum_required': case 'endif': case 'endforeach': case 'else': case 'elseif':
        return;
    }
    this.calls.push({ name, cmd, args: args.map((token) => ({ token, items: this.expandList(token) })), maybe });
  }

  private set(args: Token[]): void {
    const [v, ...rest] = args;
    if (!v) return;
    const end = rest.findIndex((t) => !t.quoted && (t.text === 'CACHE' || t.text === 'PARENT_SCOPE'));
    const values = (end < 0 ? rest : rest.slice(0, end)).flatMap((t) => this.expandList(t));
    this.setAt.set(v.text, v);
    const envVar = /^ENV\{(\w+)\}$/.exec(v.text);
    if (envVar) { this.host.env = { ...this.host.env, [envVar[1]]: joined(values) }; return; }
    // set(X ... CACHE ...) does not replace a value the user gave on the command line; we cannot know one.
    if (end >= 0 && rest[end].text === 'CACHE' && this.vars.has(v.text)) return;
    if (values.length === 0 && end < 0) this.vars.delete(v.text);
    else this.vars.set(v.text, values);
  }

  private fileCommand(args: Token[]): void {
    const sub = args[0]?.text;
    const out = args[1]?.text;
    if (!sub || !out) return;
    if (sub === 'GLOB' || sub === 'GLOB_RECURSE') {
      let relative: string | undefined;
      const globs: string[] = [];
      let unknown = false;
      for (let i = 2; i < args.length; i++) {
        const t = args[i];
        if (!t.quoted && (t.text === 'CONFIGURE_DEPENDS' || t.text === 'LIST_DIRECTORIES' || t.text === 'FOLLOW_SYMLINKS')) { if (t.text === 'LIST_DIRECTORIES') i++; continue; }
        if (!t.quoted && t.text === 'RELATIVE') { relative = joined(this.expand(args[++i] ?? t)); continue; }
        for (const item of this.expandList(t)) {
          if (item.unknown) unknown = true;
          else globs.push(path.resolve(this.dir(), item.text));
        }
      }
      const found = unknown ? undefined : this.host.glob(globs, sub === 'GLOB_RECURSE');
      const at = { file: this.file, start: args[0].start, end: args[args.length - 1].end };
      this.assign(out, found === undefined ? this.unknownValue('file(GLOB)')
        : found.sort().map((f) => ({ text: relative ? path.relative(relative, f).split(path.sep).join('/') : f, at })));
      return;
    }
    if (sub === 'TO_CMAKE_PATH' || sub === 'TO_NATIVE_PATH') {
      if (args[2]) this.assign(args[2].text, this.expand(args[1]).map((i) => ({ ...i, text: i.text.replace(/\\/g, '/') })));
      return;
    }
    if (sub === 'REAL_PATH') {
      if (args[2]) this.assign(args[2].text, this.expand(args[1]).map((i) => ({ ...i, text: path.resolve(this.dir(), i.text) })));
      return;
    }
    // READ, STRINGS, DOWNLOAD, SHA256...: their output cannot be known without running them.
    if (/^(READ|STRINGS|SHA\d+|MD5|RELATIVE_PATH|SIZE|TIMESTAMP)$/.test(sub)) {
      const outVar = sub === 'RELATIVE_PATH' ? args[1] : args[2] ?? args[1];
      if (outVar) this.assign(outVar.text, this.unknownValue(`file(${sub})`));
    }
  }

  private filenameComponent(args: Token[]): void {
    const [out, input, mode] = args;
    if (!out || !input || !mode) return;
    const base = args.findIndex((t) => t.text === 'BASE_DIR');
    const dir = base >= 0 && args[base + 1] ? joined(this.expand(args[base + 1])) : this.dir();
    this.assign(out.text, this.expand(input).map((i) => (i.unknown ? i : { ...i, text: pathComponent(i.text, mode.text, dir) })));
  }

  // ---- values ---------------------------------------------------------------------------------

  dir(): string {
    return this.host.builtins.CMAKE_CURRENT_LIST_DIR ?? path.dirname(this.file);
  }

  assign(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  unknownValue(text: string): Value {
    return [{ text, unknown: true }];
  }

  /** A variable's value: set in this scope, a build-system variable, or a CONFIG_ option; undefined when not defined. */
  lookup(name: string): Value | undefined {
    const v = this.vars.get(name);
    if (v) return v;
    if (name in this.host.builtins) {
      const b = this.host.builtins[name];
      return b === undefined ? this.unknownValue(`\${${name}}`) : [{ text: b }];
    }
    if (name.startsWith('CONFIG_')) {
      const c = this.host.config(name);
      return c === undefined ? this.unknownValue(`\${${name}}`) : [{ text: c }];
    }
    return undefined;
  }

  /** The token's text with `${...}`, `$ENV{...}` and `$CACHE{...}` references expanded, innermost first. */
  expand(t: Token): Value {
    const at = { file: this.file, start: t.start, end: t.end };
    if (t.bracket || !t.text.includes('$')) return [{ text: t.text, at }];
    const whole = /^\$\{([A-Za-z0-9_.+-]+)\}$/.exec(t.text);
    if (whole) {
      // A reference alone keeps the items (and where they were written).
      const v = this.lookup(whole[1]);
      if (v) return v;
      return this.unknownValue(t.text);
    }
    let text = t.text;
    let unknown = false;
    let maybe = false;
    for (let guard = 0; guard < 50; guard++) {
      const m = /\$(ENV|CACHE)?\{([^${}]*)\}/.exec(text);
      if (!m) break;
      let replacement: string;
      if (m[1] === 'ENV') {
        const e = this.host.env[m[2]];
        if (e === undefined) unknown = true;
        replacement = e ?? '';
      } else {
        const v = this.lookup(m[2]);
        if (!v || isUnknown(v)) unknown = true;
        if (v?.some((i) => i.maybe)) maybe = true;
        replacement = v ? joined(v) : '';
      }
      text = text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length);
    }
    const item: Item = unknown ? { text: t.text, at, unknown: true } : { text, at };
    if (maybe) item.maybe = true;
    return [item];
  }

  /** As a list-taking command sees the token: unquoted values split on `;`. */
  expandList(t: Token): Item[] {
    return listItems(this.expand(t));
  }

  private condArg(t: Token): CondArg {
    if (t.quoted || t.text.includes('${') || t.text.includes('$ENV{')) {
      const v = this.expand(t);
      return { text: isUnknown(v) ? undefined : joined(v), quoted: t.quoted };
    }
    return { text: t.text, quoted: false };
  }
}

/** The two outcomes of an undecided branch: a variable they agree on stays; otherwise both values, as "maybe". */
function mergeScopes(a: Map<string, Value>, b: Map<string, Value>): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name), y = b.get(name);
    if (x && y && joined(x) === joined(y)) { out.set(name, x); continue; }
    const seen = new Set<string>();
    out.set(name, maybeOf([...(x ?? []), ...(y ?? [])].filter((i) => !seen.has(i.text) && seen.add(i.text))));
  }
  return out;
}
