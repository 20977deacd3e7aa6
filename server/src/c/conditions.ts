// Evaluates `#if` conditions against what the project's configuration says, with three outcomes:
// true, false, or undefined when the answer depends on something we cannot know (a macro from a
// header, a Kconfig option whose default we do not have). Rules treat undefined as "either branch".
import type { Condition } from './mask';

export interface MacroEnv {
  /** Value of a macro, or undefined when unknown. `CONFIG_X=y` is 1; a known-unset option is null. */
  lookup(name: string): number | null | undefined;
}

type Tri = number | undefined; // undefined = unknown

export function conditionHolds(cond: Condition, env: MacroEnv): boolean | undefined {
  const v = evaluate(cond.expr, env);
  if (v === undefined) return undefined;
  return cond.negated ? v === 0 : v !== 0;
}

/** True when every condition holds, false when one is known false, else undefined. */
export function allHold(conds: readonly Condition[], env: MacroEnv): boolean | undefined {
  let unknown = false;
  for (const c of conds) {
    const h = conditionHolds(c, env);
    if (h === false) return false;
    if (h === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

export function evaluate(expr: string, env: MacroEnv): Tri {
  try {
    const p = new ExprParser(tokenize(expr), env);
    const v = p.ternary();
    return p.done() ? v : undefined;
  } catch {
    return undefined; // anything we cannot read is unknown, never an error
  }
}

const tokenRe = /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|&&|\|\||==|!=|>=|<=|<<|>>|[()!<>+\-*/%?:,~&|^])[uUlL]*/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (tokenRe.lastIndex = 0; ; at = tokenRe.lastIndex) {
    const m = tokenRe.exec(s); // a failed sticky match resets lastIndex, hence `at`
    if (!m) break;
    out.push(m[1]);
  }
  if (s.slice(at).trim()) throw new Error('unreadable');
  return out;
}

const binaryLevels: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

class ExprParser {
  private i = 0;
  constructor(private readonly t: string[], private readonly env: MacroEnv) {}
  done() { return this.i === this.t.length; }
  private peek() { return this.t[this.i]; }
  private next() { return this.t[this.i++]; }
  private expect(tok: string) { if (this.next() !== tok) throw new Error(`expected ${tok}`); }

  ternary(): Tri {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.next();
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return c === undefined ? (a === b ? a : undefined) : c !== 0 ? a : b;
  }

  private binary(level: number): Tri {
    if (level === binaryLevels.length) return this.unary();
    let left = this.binary(level + 1);
    while (binaryLevels[level].includes(this.peek())) {
      const op = this.next();
      const right = this.binary(level + 1);
      left = applyBinary(op, left, right);
    }
    return left;
  }

  private unary(): Tri {
    const tok = this.next();
    if (tok === '!') { const v = this.unary(); return v === undefined ? undefined : v === 0 ? 1 : 0; }
    if (tok === '-') { const v = this.unary(); return v === undefined ? undefined : -v; }
    if (tok === '~') { const v = this.unary(); return v === undefined ? undefined : ~v; }
    if (tok === '(') { const v = this.ternary(); this.expect(')'); return v; }
    if (tok === 'defined') return this.defined();
    if (/^\d/.test(tok)) return Number(tok);
    if (tok === 'ESP_IDF_VERSION_VAL') return this.versionVal();
    if (/^[A-Za-z_]/.test(tok)) {
      const v = this.env.lookup(tok);
      return v === null ? 0 : v; // an undefined macro is 0 in #if, but only when we know it is undefined
    }
    throw new Error(`unexpected ${tok}`);
  }

  private defined(): Tri {
    const paren = this.peek() === '(';
    if (paren) this.next();
    const v = this.env.lookup(this.next());
    if (paren) this.expect(')');
    return v === undefined ? undefined : v === null ? 0 : 1;
  }

  private versionVal(): Tri {
    this.expect('(');
    const parts: Tri[] = [this.ternary()];
    while (this.peek() === ',') { this.next(); parts.push(this.ternary()); }
    this.expect(')');
    if (parts.length !== 3 || parts.some((p) => p === undefined)) return undefined;
    const [a, b, c] = parts as number[];
    return (a << 16) | (b << 8) | c;
  }
}

/** A C binary operator over known-or-unknown operands (shared with the cipher-suite model's #if programs). */
export function applyBinary(op: string, a: Tri, b: Tri): Tri {
  // Short-circuit logic still decides with one side unknown.
  if (op === '&&') return a === 0 || b === 0 ? 0 : a === undefined || b === undefined ? undefined : 1;
  if (op === '||') return (a !== undefined && a !== 0) || (b !== undefined && b !== 0) ? 1 : a === undefined || b === undefined ? undefined : 0;
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return +(a === b);
    case '!=': return +(a !== b);
    case '<': return +(a < b);
    case '>': return +(a > b);
    case '<=': return +(a <= b);
    case '>=': return +(a >= b);
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : Math.trunc(a / b);
    case '%': return b === 0 ? undefined : a % b;
  }
  return undefined;
}

/**
 * Looks for a configuration under which `given` holds but none of `alternatives` does, trying both outcomes of every
 * condition the environment cannot decide. Returns that configuration (expression -> value), or
 * undefined when every configuration satisfies some alternative (or there are too many to try).
 */
export function findUncovered(alternatives: readonly (readonly Condition[])[], env: MacroEnv, given: readonly Condition[] = []): Map<string, boolean> | undefined {
  const unknown = [...new Set([...alternatives.flat(), ...given].filter((c) => conditionHolds(c, env) === undefined).map((c) => c.expr))];
  if (unknown.length > 8) return undefined;
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const chosen = new Map(unknown.map((e, i) => [e, (mask & (1 << i)) !== 0]));
    const holds = (c: Condition) => (chosen.has(c.expr) ? chosen.get(c.expr) !== c.negated : conditionHolds(c, env) === true);
    if (!given.every(holds)) continue; // the code in question is not even compiled in this configuration
    if (!alternatives.some((conds) => conds.every(holds))) return chosen;
  }
  return undefined;
}

/** `CONFIG_X is off`, `#if FOO > 1 is true`: a configuration as a person reads it. */
export function describeConfiguration(chosen: Map<string, boolean>): string {
  return [...chosen].map(([expr, value]) => {
    const name = /^(?:defined\s*\(?\s*)?([A-Za-z_]\w*)\s*\)?$/.exec(expr)?.[1];
    return name ? `${name} is ${value ? 'set' : 'not set'}` : `\`#if ${expr}\` is ${value}`;
  }).join(' and ');
}

/** The conditions among `conds` that `env` cannot decide, as a person reads them; '' when all are known. */
export function describeUndecided(conds: readonly Condition[], env: MacroEnv): string {
  const open = conds.filter((c) => conditionHolds(c, env) === undefined);
  return open.length ? describeConfiguration(new Map(open.map((c) => [c.expr, !c.negated]))) : '';
}

/** An object-like `#define` as the environment needs it: name, value text, and the `#if` branches around it. */
export interface FileDefine { name: string; value: string; conditions?: readonly Condition[] }

const fileEnvs = new WeakMap<readonly FileDefine[], WeakMap<MacroEnv, MacroEnv>>();

/**
 * The file's own macros over the project's: `#define USE_TLS CONFIG_EXAMPLE_USE_TLS` then `#if USE_TLS`.
 * A macro defined in branches the configuration cannot tell apart, with different values, is unknown.
 */
export function fileMacros(defines: readonly FileDefine[], base: MacroEnv): MacroEnv {
  if (!defines.length) return base;
  let byBase = fileEnvs.get(defines);
  if (!byBase) { byBase = new WeakMap(); fileEnvs.set(defines, byBase); }
  let env = byBase.get(base);
  if (env) return env;
  const busy = new Set<string>(); // a macro naming itself (directly or not) is unknown, never a loop
  env = {
    lookup(name) {
      if (busy.has(name)) return undefined;
      busy.add(name);
      try {
        const live = activeDefines(defines, name, env!);
        if (!live.length) return base.lookup(name);
        const values = new Set(live.map((d) => (d.value.trim() ? evaluate(d.value, env!) : 1)));
        return values.size === 1 ? [...values][0] : undefined;
      } finally { busy.delete(name); }
    },
  };
  byBase.set(base, env);
  return env;
}

/** The `#define`s of `name` whose `#if` branches may be compiled (not known to be out). */
export function activeDefines<D extends FileDefine>(defines: readonly D[], name: string, env: MacroEnv): D[] {
  return defines.filter((d) => d.name === name && allHold(d.conditions ?? [], env) !== false);
}
