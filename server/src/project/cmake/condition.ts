// if() conditions (cmake if(1)), over three values: true, false, or undefined when an operand cannot be
// known (a CONFIG_ option without a value, an environment variable of the build). NOT, AND and OR follow
// Kleene's logic, so `if(CONFIG_A OR CONFIG_KNOWN_ON)` is decided even when A is not.
import path from 'node:path';
import { isFalseConstant, isTrueConstant, joined, isUnknown, type Value } from './values';

/** One argument of if(): its text after `${}` expansion (undefined when unknown), and whether it was quoted. */
export interface CondArg { text: string | undefined; quoted: boolean }

interface Host { exists(p: string): boolean; isDir(p: string): boolean }

type Tri = boolean | undefined;

const UNARY = new Set(['EXISTS', 'COMMAND', 'DEFINED', 'IS_DIRECTORY', 'IS_ABSOLUTE', 'TARGET', 'POLICY', 'TEST', 'IS_SYMLINK', 'IS_READABLE']);
const BINARY = new Set(['STREQUAL', 'EQUAL', 'LESS', 'GREATER', 'LESS_EQUAL', 'GREATER_EQUAL', 'STRLESS', 'STRGREATER', 'STRLESS_EQUAL',
  'STRGREATER_EQUAL', 'MATCHES', 'VERSION_LESS', 'VERSION_GREATER', 'VERSION_EQUAL', 'VERSION_LESS_EQUAL', 'VERSION_GREATER_EQUAL', 'IN_LIST', 'PATH_EQUAL']);

/** Commands the build system provides (if(COMMAND x)). */
const KNOWN_COMMANDS = /^(idf_component_register|idf_build_get_property|idf_component_get_property|target_add_binary_data|ulp_embed_binary|register_component|target_sources|set|list|if)$/;

export function evalCondition(args: CondArg[], lookup: (name: string) => Value | undefined, host: Host): Tri {
  const p = new CondParser(args, lookup, host);
  try {
    const v = p.or();
    return p.done() ? v : undefined;
  } catch {
    return undefined;
  }
}

class CondParser {
  private i = 0;
  constructor(private readonly a: CondArg[], private readonly lookup: (name: string) => Value | undefined, private readonly host: Host) {}

  done(): boolean { return this.i >= this.a.length; }
  private peekWord(): string | undefined { const t = this.a[this.i]; return t && !t.quoted ? t.text : undefined; }

  or(): Tri {
    let v = this.and();
    while (this.peekWord() === 'OR') { this.i++; const r = this.and(); v = v === true || r === true ? true : v === false && r === false ? false : undefined; }
    return v;
  }

  private and(): Tri {
    let v = this.not();
    while (this.peekWord() === 'AND') { this.i++; const r = this.not(); v = v === false || r === false ? false : v === true && r === true ? true : undefined; }
    return v;
  }

  private not(): Tri {
    if (this.peekWord() === 'NOT') { this.i++; const v = this.not(); return v === undefined ? undefined : !v; }
    return this.primary();
  }

  private primary(): Tri {
    const t = this.a[this.i];
    if (!t) throw new Error('missing operand');
    if (!t.quoted && t.text === '(') {
      this.i++;
      const v = this.or();
      if (this.peekWord() !== ')') throw new Error('unbalanced');
      this.i++;
      return v;
    }
    if (!t.quoted && t.text !== undefined && UNARY.has(t.text)) {
      this.i++;
      return this.unary(t.text, this.a[this.i++]);
    }
    this.i++;
    const op = this.peekWord();
    if (op && BINARY.has(op)) {
      this.i++;
      return this.binary(op, t, this.a[this.i++]);
    }
    return this.truth(t);
  }

  /** The value of an operand: an unquoted name of a defined variable is dereferenced. */
  private operand(t: CondArg | undefined): string | undefined {
    if (!t || t.text === undefined) return undefined;
    if (t.quoted) return t.text;
    const v = this.lookup(t.text);
    if (!v) return t.text;
    return isUnknown(v) ? undefined : joined(v);
  }

  private truth(t: CondArg): Tri {
    if (t.text === undefined) return undefined;
    if (isTrueConstant(t.text)) return true;
    if (isFalseConstant(t.text)) return false;
    if (t.quoted) return false;
    const v = this.lookup(t.text);
    if (!v) return undefined; // not set in this file: it may come from the command line or the project
    if (isUnknown(v)) return undefined;
    return !isFalseConstant(joined(v));
  }

  private unary(op: string, t: CondArg | undefined): Tri {
    if (!t || t.text === undefined) return undefined;
    switch (op) {
      case 'DEFINED': {
        const env = /^ENV\{(\w+)\}$/.exec(t.text);
        if (env) return undefined; // the build's environment is not ours
        const v = this.lookup(t.text);
        return v ? true : undefined;
      }
      case 'EXISTS': return this.host.exists(t.text);
      case 'IS_DIRECTORY': return this.host.isDir(t.text);
      case 'IS_ABSOLUTE': return path.isAbsolute(t.text);
      case 'COMMAND': return KNOWN_COMMANDS.test(t.text) ? true : undefined;
      default: return undefined;
    }
  }

  private binary(op: string, l: CondArg, r: CondArg | undefined): Tri {
    if (op === 'IN_LIST') {
      const list = r?.text === undefined ? undefined : this.lookup(r.text);
      const item = this.operand(l);
      if (!list || isUnknown(list) || item === undefined) return undefined;
      return list.some((i) => i.text === item);
    }
    const a = this.operand(l), b = this.operand(r);
    if (a === undefined || b === undefined) return undefined;
    switch (op) {
      case 'STREQUAL': return a === b;
      case 'PATH_EQUAL': return path.normalize(a) === path.normalize(b);
      case 'STRLESS': return a < b;
      case 'STRGREATER': return a > b;
      case 'STRLESS_EQUAL': return a <= b;
      case 'STRGREATER_EQUAL': return a >= b;
      case 'MATCHES': try { return new RegExp(b).test(a); } catch { return undefined; }
    }
    if (op.startsWith('VERSION_')) {
      const c = compareVersions(a, b);
      return { VERSION_LESS: c < 0, VERSION_GREATER: c > 0, VERSION_EQUAL: c === 0, VERSION_LESS_EQUAL: c <= 0, VERSION_GREATER_EQUAL: c >= 0 }[op];
    }
    const x = Number(a), y = Number(b);
    if (!Number.isFinite(x) || !Number.isFinite(y) || a === '' || b === '') return false;
    return { EQUAL: x === y, LESS: x < y, GREATER: x > y, LESS_EQUAL: x <= y, GREATER_EQUAL: x >= y }[op];
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0), pb = b.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
