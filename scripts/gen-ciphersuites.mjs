// Generates server/src/data/mbedtls-ciphersuites.json: the TLS cipher suites Mbed TLS 2.28.8 and
// 3.6.6 can compile in, the preprocessor conditions that guard each one, and, per ESP-IDF release,
// the chain of configuration headers that turns CONFIG_MBEDTLS_* (sdkconfig) into MBEDTLS_* macros.
// Nothing of the upstream code is copied: this script reads the upstream files and writes a table.
//
// Inputs (trees at the exact commits listed in SOURCES below):
//   --mbedtls-2.28 DIR   Mbed-TLS/mbedtls v2.28.8: DIR/include, DIR/library
//   --mbedtls-3.6  DIR   Mbed-TLS/mbedtls v3.6.6:  DIR/include, DIR/library
//   --idf-4.4      DIR   espressif/esp-idf v4.4.8: DIR/components/mbedtls/{Kconfig,port/include}
//   --idf-5.5      DIR   espressif/esp-idf v5.5.5: same layout
//   [--out FILE]         default server/src/data/mbedtls-ciphersuites.json
// Fetching them (any clone of the two repositories will do):
//   git -C mbedtls archive 5a764e5555c64337ed17444410269ff21cb617b1 include library | tar -x -C /tmp/src/mbedtls-2.28.8
//   git -C mbedtls archive 0bebf8b8c7f07abe3571ded48a11aa907a1ffb20 include library | tar -x -C /tmp/src/mbedtls-3.6.6
//   git -C esp-idf archive e499576efdb086551abe309a72899302f82077b7 components/mbedtls/Kconfig components/mbedtls/port/include | tar -x -C /tmp/src/idf-v4.4.8
//   git -C esp-idf archive b774170ff46c393eeb5e495ea37936038d3f4f4f components/mbedtls/Kconfig components/mbedtls/port/include | tar -x -C /tmp/src/idf-v5.5.5
//   node scripts/gen-ciphersuites.mjs --mbedtls-2.28 /tmp/src/mbedtls-2.28.8 --mbedtls-3.6 /tmp/src/mbedtls-3.6.6 \
//        --idf-4.4 /tmp/src/idf-v4.4.8 --idf-5.5 /tmp/src/idf-v5.5.5
//
// How it works: a small C preprocessor reads library/ssl_ciphersuites.c the way ESP-IDF compiles it
// (MBEDTLS_CONFIG_FILE="mbedtls/esp_config.h", include path port/include, mbedtls/include,
// mbedtls/library) and follows only the configuration headers (common.h, build_info.h, config.h or
// mbedtls_config.h, esp_config.h, config_psa.h, config_adjust_*.h, psa/crypto_adjust_*.h,
// ssl_ciphersuites.h). The #if/#define/#undef tree it builds is pruned to the macros that decide
// which suites, groups and signature algorithms exist, and written out as a "program" the language
// server runs against a project's sdkconfig (server/src/sdkconfig/ciphersuites.ts).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const SOURCES = {
  '2.28': { repo: 'Mbed-TLS/mbedtls', tag: 'v2.28.8', commit: '5a764e5555c64337ed17444410269ff21cb617b1', version: '2.28.8' },
  '3.6': { repo: 'Mbed-TLS/mbedtls', tag: 'v3.6.6', commit: '0bebf8b8c7f07abe3571ded48a11aa907a1ffb20', version: '3.6.6' },
  '4.4': { repo: 'espressif/esp-idf', tag: 'v4.4.8', commit: 'e499576efdb086551abe309a72899302f82077b7', mbedtls: '2.28' },
  '5.5': { repo: 'espressif/esp-idf', tag: 'v5.5.5', commit: 'b774170ff46c393eeb5e495ea37936038d3f4f4f', mbedtls: '3.6' },
};

// ---------------------------------------------------------------------------------------------
// Command line

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(mbedtls-2\.28|mbedtls-3\.6|idf-4\.4|idf-5\.5|out)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) usage(`unexpected argument ${argv[i]}`);
    out[m[1]] = path.resolve(argv[++i]);
  }
  for (const k of ['mbedtls-2.28', 'mbedtls-3.6', 'idf-4.4', 'idf-5.5']) if (!out[k]) usage(`missing --${k}`);
  return out;
}
function usage(reason) {
  console.error(`${reason}\nusage: node scripts/gen-ciphersuites.mjs --mbedtls-2.28 DIR --mbedtls-3.6 DIR --idf-4.4 DIR --idf-5.5 DIR [--out FILE]`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Lexing: comments out (newlines kept), backslash-newline spliced, each logical line keeps the
// number of its first physical line.

function stripComments(text) {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      const body = end < 0 ? text.slice(i) : text.slice(i, end + 2);
      out += ' ' + body.replace(/[^\n]/g, '');
      i = end < 0 ? n : end + 2;
    } else if (c === '/' && d === '/') {
      while (i < n && text[i] !== '\n') {
        // a line comment ends at the newline, unless that newline is escaped
        if (text[i] === '\\' && text[i + 1] === '\n') { out += '\\\n'; i += 2; continue; }
        i++;
      }
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, Math.min(j + 1, n));
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function logicalLines(text) {
  const physical = stripComments(text.replace(/\r\n?/g, '\n')).split('\n');
  const lines = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1;
    let line = physical[i];
    while (line.endsWith('\\') && i + 1 < physical.length) line = line.slice(0, -1) + ' ' + physical[++i];
    lines.push({ line: start, text: line });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// #if expressions -> compact AST: ["def",X] ["id",X] ["n",N] ["!",e] ["&&",a,b,...] ["||",a,b,...]
// [op,a,b] for comparison/arithmetic, ["call",name] for function-like macros (never true here).

function tokenize(expr, where) {
  const re = /\s*('(?:\\.|[^'])'|defined\b|[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|&&|\|\||==|!=|<=|>=|<<|>>|[!()<>+\-*/%&|^~?:,])/y;
  const tokens = [];
  re.lastIndex = 0;
  let m;
  while (re.lastIndex < expr.length && (m = re.exec(expr))) tokens.push(m[1]);
  if (expr.slice(re.lastIndex).trim()) throw new Error(`${where}: cannot read expression near "${expr.slice(re.lastIndex)}"`);
  return tokens;
}

function parseExpr(expr, where) {
  const t = tokenize(expr, where);
  let p = 0;
  const peek = () => t[p];
  const eat = (tok) => {
    if (t[p] !== tok) throw new Error(`${where}: expected ${tok} in "${expr}"`);
    p++;
  };
  const binary = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];
  function level(i) {
    if (i === binary.length) return unary();
    let left = level(i + 1);
    while (binary[i].includes(peek())) {
      const op = t[p++];
      const right = level(i + 1);
      if ((op === '&&' || op === '||') && left[0] === op) left = [...left, right];
      else left = [op, left, right];
    }
    return left;
  }
  function ternary() {
    const c = level(0);
    if (peek() !== '?') return c;
    p++;
    const a = ternary();
    eat(':');
    return ['?:', c, a, ternary()];
  }
  function unary() {
    const tok = t[p++];
    if (tok === undefined) throw new Error(`${where}: unexpected end of "${expr}"`);
    if (tok === '!') return ['!', unary()];
    if (tok === '-') return ['-', ['n', 0], unary()];
    if (tok === '+') return unary();
    if (tok === '~') return ['~', unary()];
    if (tok === '(') {
      const e = ternary();
      eat(')');
      return e;
    }
    if (tok === 'defined') {
      const paren = peek() === '(';
      if (paren) p++;
      const name = t[p++];
      if (!/^[A-Za-z_]\w*$/.test(name ?? '')) throw new Error(`${where}: bad defined() in "${expr}"`);
      if (paren) eat(')');
      return ['def', name];
    }
    if (tok.startsWith("'")) return ['n', tok.length === 3 ? tok.charCodeAt(1) : 0];
    if (/^\d|^0x/i.test(tok)) return ['n', Number.parseInt(tok.replace(/[uUlL]+$/, ''), /^0x/i.test(tok) ? 16 : 10)];
    if (/^[A-Za-z_]/.test(tok)) {
      if (peek() === '(') {
        // function-like macro call (e.g. __has_include, MBEDTLS_VERSION_...): not defined in our configs
        let depth = 0;
        do {
          if (t[p] === '(') depth++;
          else if (t[p] === ')') depth--;
          p++;
        } while (depth > 0 && p < t.length);
        return ['call', tok];
      }
      return ['id', tok];
    }
    throw new Error(`${where}: unexpected ${tok} in "${expr}"`);
  }
  const e = ternary();
  if (p !== t.length) throw new Error(`${where}: trailing tokens in "${expr}"`);
  return e;
}

function exprIdents(e, out = new Set()) {
  if (e[0] === 'def' || e[0] === 'id') out.add(e[1]);
  else if (e[0] !== 'n' && e[0] !== 'call') for (const x of e.slice(1)) exprIdents(x, out);
  return out;
}

// Constant folding for the few macros the build fixes (MBEDTLS_CONFIG_FILE is set by ESP-IDF's
// CMake; no user config files). Returns true / false / a residual expression.
function fold(e, build) {
  switch (e[0]) {
    case 'def':
      return e[1] in build ? build[e[1]] !== undefined : e;
    case '!': {
      const x = fold(e[1], build);
      return typeof x === 'boolean' ? !x : ['!', x];
    }
    case '&&':
    case '||': {
      const parts = [];
      for (const x of e.slice(1).map((y) => fold(y, build))) {
        if (typeof x === 'boolean') {
          if (x === (e[0] === '||')) return x;
        } else parts.push(x);
      }
      if (parts.length === 0) return e[0] === '&&';
      return parts.length === 1 ? parts[0] : [e[0], ...parts];
    }
    default:
      return e;
  }
}

// ---------------------------------------------------------------------------------------------
// Directive tree: {t:'define',name,value,line} {t:'undef',name,line} {t:'include',spec,line}
// {t:'if',branches:[{cond,line,body}],else:body|null} {t:'text',text,line}

const treeCache = new Map();
function parseFile(file) {
  if (treeCache.has(file)) return treeCache.get(file);
  const lines = logicalLines(readFileSync(file, 'utf8'));
  const root = [];
  const stack = [{ body: root }];
  const top = () => stack[stack.length - 1];
  const where = (l) => `${file}:${l.line}`;
  for (const l of lines) {
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(l.text);
    if (!m) {
      if (l.text.trim()) top().body.push({ t: 'text', text: l.text, line: l.line });
      continue;
    }
    const [, kw, rest0] = m;
    const rest = rest0.trim();
    switch (kw) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const cond = kw === 'if' ? parseExpr(rest, where(l)) : kw === 'ifdef' ? ['def', rest.split(/\s/)[0]] : ['!', ['def', rest.split(/\s/)[0]]];
        const node = { t: 'if', branches: [{ cond, line: l.line, body: [] }], else: null, line: l.line };
        top().body.push(node);
        stack.push({ node, body: node.branches[0].body });
        break;
      }
      case 'elif': {
        const frame = top();
        if (!frame.node) throw new Error(`${where(l)}: #elif outside #if`);
        const b = { cond: parseExpr(rest, where(l)), line: l.line, body: [] };
        frame.node.branches.push(b);
        frame.body = b.body;
        break;
      }
      case 'else': {
        const frame = top();
        if (!frame.node) throw new Error(`${where(l)}: #else outside #if`);
        frame.node.else = [];
        frame.node.elseLine = l.line;
        frame.body = frame.node.else;
        break;
      }
      case 'endif':
        if (!top().node) throw new Error(`${where(l)}: #endif outside #if`);
        stack.pop();
        break;
      case 'define': {
        const d = /^([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(rest);
        if (!d) throw new Error(`${where(l)}: bad #define`);
        top().body.push({ t: 'define', name: d[1], value: d[2] ? null : d[3].trim(), fn: !!d[2], line: l.line });
        break;
      }
      case 'undef':
        top().body.push({ t: 'undef', name: rest.split(/\s/)[0], line: l.line });
        break;
      case 'include': {
        const q = /^"([^"]+)"/.exec(rest);
        const a = /^<([^>]+)>/.exec(rest);
        const spec = q ? { quote: q[1] } : a ? { angle: a[1] } : { macro: rest.split(/\s/)[0] };
        top().body.push({ t: 'include', spec, line: l.line });
        break;
      }
      default: // error, warning, pragma, line: no effect on which macros exist
        break;
    }
  }
  if (stack.length !== 1) throw new Error(`${file}: unterminated #if`);
  treeCache.set(file, root);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Include expansion, following only the configuration headers.

const FOLLOW = [
  /^common\.h$/,
  /^mbedtls\/(build_info|config|mbedtls_config|esp_config|config_psa|ssl_ciphersuites)\.h$/,
  /^mbedtls\/config_adjust_[a-z0-9_]+\.h$/,
  /^psa\/(crypto_legacy|crypto_config)\.h$/,
  /^psa\/crypto_adjust_[a-z0-9_]+\.h$/,
];

function makeExpander({ searchDirs, build, rel }) {
  const staticDefined = new Set(Object.keys(build).filter((k) => build[k] !== undefined));
  const stack = [];
  function resolve(spec, fromFile) {
    let name = spec.quote;
    if (spec.macro) {
      const v = build[spec.macro];
      if (!v) return null; // e.g. MBEDTLS_USER_CONFIG_FILE: not set by ESP-IDF
      name = v.replace(/^"|"$/g, '');
    }
    if (!name) return null;
    const dirs = spec.quote ? [path.dirname(fromFile), ...searchDirs] : searchDirs;
    for (const d of dirs) {
      const f = path.join(d, name);
      if (existsSync(f)) return { file: f, name };
    }
    return null;
  }
  function includeGuard(nodes) {
    const first = nodes[0];
    if (nodes.length !== 1 || first?.t !== 'if' || first.branches.length !== 1 || first.else) return null;
    const c = first.branches[0].cond;
    const d = first.branches[0].body[0];
    if (c[0] === '!' && c[1][0] === 'def' && d?.t === 'define' && d.name === c[1][1]) return c[1][1];
    return null;
  }
  function expand(nodes, file, unconditional) {
    const out = [];
    for (const n of nodes) {
      if (n.t === 'include') {
        const r = resolve(n.spec, file);
        if (!r || !FOLLOW.some((re) => re.test(r.name)) || stack.includes(r.file)) continue;
        const tree = parseFile(r.file);
        const guard = includeGuard(tree);
        if (guard && staticDefined.has(guard)) continue; // already included unconditionally
        stack.push(r.file);
        out.push({ t: 'file', file: rel(r.file), body: expand(tree, r.file, unconditional) });
        stack.pop();
      } else if (n.t === 'if') {
        const branches = [];
        let elseBody = n.else;
        let taken = null;
        for (const b of n.branches) {
          const f = fold(b.cond, build);
          if (f === false) continue;
          if (f === true) {
            taken = b;
            break;
          }
          branches.push({ ...b, cond: f });
        }
        if (taken) {
          if (branches.length === 0) {
            out.push(...expand(taken.body, file, unconditional));
            continue;
          }
          elseBody = taken.body;
        }
        if (branches.length === 0) {
          if (elseBody) out.push(...expand(elseBody, file, unconditional));
          continue;
        }
        out.push({
          t: 'if',
          line: n.line,
          file: rel(file),
          branches: branches.map((b) => ({ cond: b.cond, line: b.line, body: expand(b.body, file, false) })),
          else: elseBody ? expand(elseBody, file, false) : null,
        });
      } else {
        if (n.t === 'define' && unconditional) staticDefined.add(n.name);
        out.push(n.t === 'text' ? n : { ...n, file: rel(file) });
      }
    }
    return out;
  }
  return (file) => {
    stack.push(file);
    const body = expand(parseFile(file), file, true);
    stack.pop();
    return { t: 'file', file: rel(file), body };
  };
}

// ---------------------------------------------------------------------------------------------
// Arrays inside a (possibly expanded) tree: each element with the conditions that enclose it.

function conditionOf(node, branchIndex) {
  // the condition under which branch `branchIndex` (or the else branch, -1) of an if node runs
  const prior = node.branches.slice(0, branchIndex < 0 ? node.branches.length : branchIndex).map((b) => ['!', b.cond]);
  const own = branchIndex < 0 ? [] : [node.branches[branchIndex].cond];
  const all = [...prior, ...own];
  return all.length === 1 ? all[0] : ['&&', ...all];
}

function extractArray(tree, arrayName) {
  // Walk text in order; once "arrayName[] =" is seen, split the initializer into top-level elements
  // ({...} for struct arrays, comma-separated expressions for scalar arrays), each with the chain of
  // #if conditions around it.
  const start = new RegExp(`\\b${arrayName}\\s*\\[\\s*\\]\\s*=`);
  const elements = [];
  let state = 'before';
  let depth = 0;
  let current = null;
  const flush = () => {
    if (current && current.text.trim()) elements.push({ ...current, text: current.text.replace(/\s+/g, ' ').trim() });
    current = null;
  };
  function visit(nodes, conds) {
    for (const n of nodes) {
      if (state === 'done') return;
      if (n.t === 'if') {
        n.branches.forEach((b, i) => visit(b.body, [...conds, conditionOf(n, i)]));
        if (n.else) visit(n.else, [...conds, conditionOf(n, -1)]);
      } else if (n.t === 'file') visit(n.body, conds);
      else if (n.t === 'text') {
        let s = n.text;
        if (state === 'before') {
          const m = start.exec(s);
          if (!m) continue;
          state = 'in';
          s = s.slice(m.index + m[0].length);
        }
        for (const ch of s) {
          if (state === 'done') break;
          if (ch === '{') {
            depth++;
            if (depth === 2) current = { text: '', conds, line: n.line };
            else if (depth > 2) current.text += ch;
          } else if (ch === '}') {
            depth--;
            if (depth === 1) flush();
            else if (depth === 0) {
              flush();
              state = 'done';
            } else current.text += ch;
          } else if (depth >= 2) current.text += ch;
          else if (depth === 1) {
            if (ch === ',') flush();
            else if (current) current.text += ch;
            else if (ch.trim()) current = { text: ch, conds, line: n.line };
          }
        }
      }
    }
  }
  visit(tree.t === 'file' ? tree.body : tree, []);
  if (state !== 'done') throw new Error(`array ${arrayName} not found or not closed`);
  return elements;
}

/** A chain of conditions -> the list of macros that must (or, "!X", must not) be defined. */
function requiresOf(conds, where) {
  const out = [];
  const add = (e) => {
    if (e[0] === '&&') e.slice(1).forEach(add);
    else if (e[0] === 'def') out.push(e[1]);
    else if (e[0] === '!' && e[1][0] === 'def') out.push('!' + e[1][1]);
    else throw new Error(`${where}: guard is not a conjunction of defined(): ${JSON.stringify(e)}`);
  };
  conds.forEach(add);
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// Per Mbed TLS version: the suite table, the default preference list, groups, signature algorithms.

function numericDefines(file) {
  const out = {};
  for (const l of logicalLines(readFileSync(file, 'utf8'))) {
    const m = /^\s*#\s*define\s+([A-Za-z_]\w*)\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?\s*$/.exec(l.text);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const VERSION_228 = { '3,0': 'SSL3.0', '3,1': 'TLS1.0', '3,2': 'TLS1.1', '3,3': 'TLS1.2' };
const VERSION_36 = { MBEDTLS_SSL_VERSION_TLS1_2: 'TLS1.2', MBEDTLS_SSL_VERSION_TLS1_3: 'TLS1.3' };

function describeCipher(cipherEnum, flags) {
  const c = cipherEnum.replace(/^MBEDTLS_CIPHER_/, '');
  if (c === 'NULL') return { cipher: 'NULL', bulk: 'NULL', keyBits: 0, mode: 'NONE', aead: false };
  if (c === 'ARC4_128') return { cipher: 'RC4_128', bulk: 'RC4', keyBits: 128, mode: 'STREAM', aead: false };
  if (c === 'DES_EDE3_CBC') return { cipher: '3DES_EDE_CBC', bulk: '3DES', keyBits: 168, mode: 'CBC', aead: false };
  if (c === 'DES_CBC') return { cipher: 'DES_CBC', bulk: 'DES', keyBits: 56, mode: 'CBC', aead: false };
  if (c === 'CHACHA20_POLY1305') return { cipher: 'CHACHA20_POLY1305', bulk: 'CHACHA20', keyBits: 256, mode: 'POLY1305', aead: true };
  const m = /^(AES|CAMELLIA|ARIA)_(128|192|256)_(CBC|GCM|CCM)$/.exec(c);
  if (!m) throw new Error(`unknown cipher ${cipherEnum}`);
  const mode = m[3] === 'CCM' && flags.includes('SHORT_TAG') ? 'CCM_8' : m[3];
  return { cipher: `${m[1]}_${m[2]}_${mode}`, bulk: m[1], keyBits: Number(m[2]), mode, aead: m[3] !== 'CBC' };
}

function splitTopLevel(s) {
  const parts = [];
  let cur = '';
  let inStr = false;
  for (const ch of s) {
    if (ch === '"') inStr = !inStr;
    if (ch === ',' && !inStr) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

function ianaName(macro) {
  return macro.replace(/^MBEDTLS_TLS1_3_/, 'TLS_').replace(/^MBEDTLS_/, '');
}

function functionBody(src, name) {
  const i = src.search(new RegExp(`\\b${name}\\s*\\([^;{]*\\)\\s*\\{`));
  if (i < 0) return null;
  let depth = 0;
  for (let j = src.indexOf('{', i); j < src.length; j++) {
    if (src[j] === '{') depth++;
    else if (src[j] === '}' && --depth === 0) return src.slice(i, j + 1);
  }
  return null;
}

function caseLabels(body) {
  return [...(body ?? '').matchAll(/case\s+MBEDTLS_KEY_EXCHANGE_(\w+)\s*:/g)].map((m) => m[1]);
}

function mbedtlsTable(ver, dir, program) {
  const rel = (f) => path.relative(dir, f).split(path.sep).join('/');
  const csFile = path.join(dir, 'library/ssl_ciphersuites.c');
  const ids = numericDefines(path.join(dir, 'include/mbedtls/ssl_ciphersuites.h'));
  const elements = extractArray(program, 'ciphersuite_definitions');
  const preference = extractArray(program, 'ciphersuite_preference')
    .filter((e) => !requiresOf(e.conds, 'preference').includes('MBEDTLS_SSL_CIPHERSUITES'))
    .map((e) => e.text);
  const suites = [];
  for (const e of elements) {
    const f = splitTopLevel(e.text);
    if (f[0] === '0') continue; // terminator
    const where = `${rel(csFile)}:${e.line}`;
    const name = f[1].replace(/"\s*"/g, '').replace(/^"|"$/g, '');
    let min;
    let max;
    let flagExpr;
    if (ver === '2.28') {
      if (f.length !== 10) throw new Error(`${where}: expected 10 fields, got ${f.length}`);
      const mm = (a, b) => VERSION_228[`${a.replace('MBEDTLS_SSL_MAJOR_VERSION_', '')},${b.replace('MBEDTLS_SSL_MINOR_VERSION_', '')}`];
      min = mm(f[5], f[6]);
      max = mm(f[7], f[8]);
      flagExpr = f[9];
    } else {
      if (f.length !== 8) throw new Error(`${where}: expected 8 fields, got ${f.length}`);
      flagExpr = f[5];
      min = VERSION_36[f[6]];
      max = VERSION_36[f[7]];
    }
    if (!min || !max) throw new Error(`${where}: unknown version in ${e.text}`);
    const flags = flagExpr === '0' ? [] : flagExpr.split('|').map((x) => x.trim().replace(/^MBEDTLS_CIPHERSUITE_/, ''));
    if (!(f[0] in ids)) throw new Error(`${where}: no id for ${f[0]}`);
    const kex = f[4].replace(/^MBEDTLS_KEY_EXCHANGE_/, '');
    const pref = preference.indexOf(f[0]);
    suites.push({
      id: ids[f[0]],
      iana: ianaName(f[0]),
      name,
      minVersion: min,
      maxVersion: max,
      keyExchange: kex === 'NONE' && min === 'TLS1.3' ? 'TLS1_3' : kex,
      ...describeCipher(f[2], flags),
      mbedtlsCipher: f[2].replace(/^MBEDTLS_CIPHER_/, ''),
      hash: f[3].replace(/^MBEDTLS_MD_/, ''),
      flags,
      requires: requiresOf(e.conds, where),
      preference: pref < 0 ? null : pref,
      line: e.line,
    });
  }
  const names = new Set();
  for (const s of suites) {
    if (names.has(s.iana)) throw new Error(`duplicate suite ${s.iana}`);
    names.add(s.iana);
  }
  const src = readFileSync(csFile, 'utf8');
  const removedFromDefaultList = [];
  const isRemoved = functionBody(src, 'ciphersuite_is_removed') ?? '';
  for (const m of isRemoved.matchAll(/#if defined\((MBEDTLS_REMOVE_\w+)\)([\s\S]*?)#endif/g)) {
    removedFromDefaultList.push({ macro: m[1], ciphers: [...m[2].matchAll(/MBEDTLS_CIPHER_(\w+)/g)].map((x) => x[1]) });
  }
  const pskKeyExchanges = caseLabels(functionBody(src, 'mbedtls_ssl_ciphersuite_uses_psk'));
  const ecKeyExchanges = caseLabels(functionBody(src, 'mbedtls_ssl_ciphersuite_uses_ec'));
  if (!pskKeyExchanges.length || !ecKeyExchanges.length) throw new Error(`${ver}: uses_psk/uses_ec not found`);

  // Groups the client offers by default (supported_groups / key_share), in order.
  let groups;
  let groupsSource;
  if (ver === '2.28') {
    const f = path.join(dir, 'library/ecp.c');
    groupsSource = `${rel(f)} ecp_supported_curves[] (the default curve list is every curve compiled in, mbedtls_ecp_grp_id_list())`;
    groups = extractArray(parseFile(f), 'ecp_supported_curves')
      .map((e) => ({ f: splitTopLevel(e.text), e }))
      .filter(({ f: x }) => x[0] !== 'MBEDTLS_ECP_DP_NONE')
      .map(({ f: x, e }) => ({ name: x[3].replace(/"/g, ''), tlsId: Number(x[1]), requires: requiresOf(e.conds, `${rel(f)}:${e.line}`), line: e.line }));
  } else {
    const f = path.join(dir, 'library/ssl_tls.c');
    const gids = numericDefines(path.join(dir, 'include/mbedtls/ssl.h'));
    groupsSource = `${rel(f)} ssl_preset_default_groups[]`;
    groups = extractArray(parseFile(f), 'ssl_preset_default_groups')
      .filter((e) => e.text !== 'MBEDTLS_SSL_IANA_TLS_GROUP_NONE')
      .map((e) => {
        const macro = e.text;
        const suffix = macro.replace(/^MBEDTLS_SSL_IANA_TLS_GROUP_/, '');
        const name = suffix.startsWith('BP') ? `brainpoolP${suffix.slice(2).toLowerCase()}` : suffix.toLowerCase();
        if (!(macro in gids)) throw new Error(`no value for ${macro}`);
        return { name, tlsId: gids[macro], requires: requiresOf(e.conds, `${rel(f)}:${e.line}`), line: e.line };
      });
  }
  // Signature algorithms offered by default (3.6 only; 2.28 builds the list from the hashes).
  let signatureAlgorithms = null;
  if (ver === '3.6') {
    const f = path.join(dir, 'library/ssl_tls.c');
    signatureAlgorithms = extractArray(parseFile(f), 'ssl_preset_default_sig_algs')
      .filter((e) => e.text !== 'MBEDTLS_TLS_SIG_NONE')
      .map((e) => ({ name: e.text.replace(/^MBEDTLS_TLS1_3_SIG_/, '').toLowerCase(), requires: requiresOf(e.conds, `${rel(f)}:${e.line}`), line: e.line }));
  }
  return {
    files: {
      suites: `${rel(csFile)} ciphersuite_definitions[] (ids: include/mbedtls/ssl_ciphersuites.h)`,
      preference: `${rel(csFile)} ciphersuite_preference[]`,
      groups: groupsSource,
      ...(signatureAlgorithms ? { signatureAlgorithms: 'library/ssl_tls.c ssl_preset_default_sig_algs[]' } : {}),
    },
    suites,
    removedFromDefaultList,
    pskKeyExchanges,
    ecKeyExchanges,
    groups,
    ...(signatureAlgorithms ? { signatureAlgorithms } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Pruning the expanded tree to the macros that matter, and writing it compactly.

/** Macros the model reads besides the suite/group guards (protocols, TLS 1.3 modes, certificates). */
const EXTRA_ROOTS = [
  'MBEDTLS_SSL_TLS_C', 'MBEDTLS_SSL_CLI_C', 'MBEDTLS_SSL_SRV_C',
  'MBEDTLS_SSL_PROTO_SSL3', 'MBEDTLS_SSL_PROTO_TLS1', 'MBEDTLS_SSL_PROTO_TLS1_1', 'MBEDTLS_SSL_PROTO_TLS1_2',
  'MBEDTLS_SSL_PROTO_TLS1_3', 'MBEDTLS_SSL_PROTO_DTLS', 'MBEDTLS_SSL_PROTO_GMTSSL1_1',
  'MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED', 'MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED',
  'MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED',
  'MBEDTLS_USE_PSA_CRYPTO', 'MBEDTLS_PSA_CRYPTO_C',
  'MBEDTLS_RSA_C', 'MBEDTLS_PKCS1_V15', 'MBEDTLS_PKCS1_V21', 'MBEDTLS_X509_RSASSA_PSS_SUPPORT', 'MBEDTLS_ECDSA_C',
  'MBEDTLS_ECP_C', 'MBEDTLS_ECDH_C', 'MBEDTLS_DHM_C', 'MBEDTLS_X509_CRT_PARSE_C', 'MBEDTLS_PK_PARSE_EC_EXTENDED',
  'MBEDTLS_PK_PARSE_EC_COMPRESSED', 'MBEDTLS_MD5_C', 'MBEDTLS_SHA1_C', 'MBEDTLS_SHA224_C', 'MBEDTLS_SHA256_C',
  'MBEDTLS_SHA384_C', 'MBEDTLS_SHA512_C', 'MBEDTLS_MD_CAN_MD5', 'MBEDTLS_MD_CAN_SHA1', 'MBEDTLS_MD_CAN_SHA224',
  'MBEDTLS_MD_CAN_SHA256', 'MBEDTLS_MD_CAN_SHA384', 'MBEDTLS_MD_CAN_SHA512', 'MBEDTLS_AES_C', 'MBEDTLS_GCM_C',
  'MBEDTLS_CCM_C', 'MBEDTLS_CHACHAPOLY_C', 'MBEDTLS_CIPHER_MODE_CBC', 'MBEDTLS_DES_C', 'MBEDTLS_ARC4_C',
  'MBEDTLS_CAMELLIA_C', 'MBEDTLS_ARIA_C',
  ...['SECP192R1', 'SECP224R1', 'SECP256R1', 'SECP384R1', 'SECP521R1', 'SECP192K1', 'SECP224K1', 'SECP256K1', 'BP256R1', 'BP384R1', 'BP512R1', 'CURVE25519', 'CURVE448'].map((c) => `MBEDTLS_ECP_DP_${c}_ENABLED`),
];

function walk(nodes, fn, conds = []) {
  for (const n of nodes) {
    if (n.t === 'if') {
      n.branches.forEach((b, i) => walk(b.body, fn, [...conds, ...n.branches.slice(0, i).map((x) => ['!', x.cond]), b.cond]));
      if (n.else) walk(n.else, fn, [...conds, ...n.branches.map((x) => ['!', x.cond])]);
    } else if (n.t === 'file') walk(n.body, fn, conds);
    else fn(n, conds);
  }
}

function relevantMacros(tree, roots) {
  const relevant = new Set(roots);
  for (;;) {
    const before = relevant.size;
    walk([tree], (n, conds) => {
      if ((n.t === 'define' || n.t === 'undef') && relevant.has(n.name)) {
        for (const c of conds) for (const id of exprIdents(c)) relevant.add(id);
        if (n.t === 'define' && n.value) for (const id of n.value.match(/[A-Za-z_]\w*/g) ?? []) if (/^(MBEDTLS|PSA)_/.test(id)) relevant.add(id);
      }
    });
    if (relevant.size === before) return relevant;
  }
}

/**
 * Compact program, run in order by the language server:
 *   ["f", "repo:path", [...]]        the nodes read from one file (provenance)
 *   ["d", NAME, line] / ["d", NAME, line, "value"]   #define
 *   ["u", NAME, line]                #undef
 *   ["if", [[cond, [...]], ...], [...else]?]   #if / #elif / #else, cond as an expression AST
 */
function emit(nodes, relevant) {
  const out = [];
  for (const n of nodes) {
    if (n.t === 'file') {
      const body = emit(n.body, relevant);
      if (body.length) out.push(['f', n.file, body]);
    } else if (n.t === 'define' && relevant.has(n.name) && !n.fn) out.push(n.value ? ['d', n.name, n.line, n.value] : ['d', n.name, n.line]);
    else if (n.t === 'undef' && relevant.has(n.name)) out.push(['u', n.name, n.line]);
    else if (n.t === 'if') {
      const branches = n.branches.map((b) => [b.cond, emit(b.body, relevant)]);
      const elseBody = n.else ? emit(n.else, relevant) : [];
      if (branches.every((b) => b[1].length === 0) && elseBody.length === 0) continue;
      out.push(elseBody.length ? ['if', branches, elseBody] : ['if', branches]);
    }
  }
  return out;
}

/** One node per line, indented, so regenerations diff well. */
function formatProgram(nodes, indent) {
  const pad = ' '.repeat(indent);
  const lines = nodes.map((n) => {
    if (n[0] === 'f') return `${pad}["f", ${JSON.stringify(n[1])}, [\n${formatProgram(n[2], indent + 2)}\n${pad}]]`;
    if (n[0] === 'if') {
      const br = n[1].map((b) => `${pad}  [${JSON.stringify(b[0])}, [\n${formatProgram(b[1], indent + 4)}\n${pad}  ]]`).join(',\n');
      const el = n[2] ? `, [\n${formatProgram(n[2], indent + 2)}\n${pad}]` : '';
      return `${pad}["if", [\n${br}\n${pad}]${el}]`;
    }
    return pad + JSON.stringify(n);
  });
  return lines.join(',\n');
}

// ---------------------------------------------------------------------------------------------
// Partial evaluation: everything that does not depend on a CONFIG_ option is decided here (for
// example MBEDTLS_PSA_CRYPTO_CONFIG and MBEDTLS_USE_PSA_CRYPTO are never defined by ESP-IDF, so the
// PSA-configuration branches drop out); what remains is a residual program whose conditions only
// mention macros that some CONFIG_ option can change. State per macro: def (with value) / undef /
// unknown.

function numericValue(v) {
  if (v == null) return null;
  const m = /^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$/.exec(v.trim());
  return m ? Number(m[1]) : null;
}

function evalPE(e, state) {
  // returns a number when the value is fixed, else a residual expression
  switch (e[0]) {
    case 'n':
      return e[1];
    case 'call':
      return 0;
    case 'def': {
      if (e[1].startsWith('CONFIG_')) return e;
      const s = state.get(e[1]);
      if (!s || s.s === 'undef') return 0;
      return s.s === 'def' ? 1 : e;
    }
    case 'id': {
      if (e[1].startsWith('CONFIG_')) return e;
      const s = state.get(e[1]);
      if (!s || s.s === 'undef') return 0;
      if (s.s === 'def') {
        const v = numericValue(s.value);
        if (v !== null) return v;
      }
      return e;
    }
    case '!': {
      const a = evalPE(e[1], state);
      return typeof a === 'number' ? (a ? 0 : 1) : ['!', a];
    }
    case '&&':
    case '||': {
      const isAnd = e[0] === '&&';
      const rest = [];
      for (const x of e.slice(1)) {
        const r = evalPE(x, state);
        if (typeof r === 'number') {
          if (isAnd && !r) return 0;
          if (!isAnd && r) return 1;
        } else rest.push(r);
      }
      if (rest.length === 0) return isAnd ? 1 : 0;
      return rest.length === 1 ? rest[0] : [e[0], ...rest];
    }
    case '?:': {
      const c = evalPE(e[1], state);
      if (typeof c === 'number') return evalPE(c ? e[2] : e[3], state);
      return ['?:', c, evalPE(e[2], state), evalPE(e[3], state)];
    }
    case '~': {
      const a = evalPE(e[1], state);
      return typeof a === 'number' ? ~a : ['~', a];
    }
    default: {
      const a = evalPE(e[1], state);
      const b = evalPE(e[2], state);
      if (typeof a !== 'number' || typeof b !== 'number') return [e[0], a, b];
      return binaryOp(e[0], a, b);
    }
  }
}

function binaryOp(op, a, b) {
  switch (op) {
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b ? Math.trunc(a / b) : 0;
    case '%': return b ? a % b : 0;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << b;
    case '>>': return a >> b;
    default: throw new Error(`operator ${op}`);
  }
}

function mergeStates(target, states) {
  const keys = new Set(states.flatMap((s) => [...s.keys()]));
  target.clear();
  for (const k of keys) {
    const vals = states.map((s) => s.get(k) ?? { s: 'undef' });
    const first = vals[0];
    if (vals.every((v) => v.s === first.s && (v.value ?? null) === (first.value ?? null))) target.set(k, first);
    else if (vals.every((v) => v.s === 'def')) target.set(k, { s: 'def', value: undefined });
    else target.set(k, { s: 'unknown' });
  }
}

function partialEvaluate(nodes, state) {
  const out = [];
  for (const n of nodes) {
    if (n.t === 'file') out.push({ ...n, body: partialEvaluate(n.body, state) });
    else if (n.t === 'define') {
      state.set(n.name, { s: 'def', value: n.fn ? undefined : n.value || undefined });
      out.push(n);
    } else if (n.t === 'undef') {
      state.set(n.name, { s: 'undef' });
      out.push(n);
    } else if (n.t === 'if') {
      const open = []; // branches whose condition depends on the configuration
      let rest = n.else; // what runs when no open branch does (null: nothing)
      for (const b of n.branches) {
        const r = evalPE(b.cond, state);
        if (typeof r === 'number') {
          if (!r) continue;
          rest = b.body; // known to run when none of the open branches does
          break;
        }
        open.push({ cond: r, line: b.line, body: b.body });
      }
      if (open.length === 0) {
        if (rest) out.push(...partialEvaluate(rest, state));
        continue;
      }
      const states = [];
      const branches = open.map((b) => {
        const s = new Map(state);
        const body = partialEvaluate(b.body, s);
        states.push(s);
        return { ...b, body };
      });
      const s = new Map(state);
      const elseBody = rest ? partialEvaluate(rest, s) : null;
      states.push(s);
      mergeStates(state, states);
      out.push({ t: 'if', line: n.line, branches, else: elseBody });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// esp_config.h: the plain Kconfig -> macro mapping (for explanations; the program is authoritative).

function kconfigToMacros(espConfigFile) {
  // "CONFIG_X": { y: [+MACRO / -MACRO when the option is set], n: [... when it is not] }, read from
  // the #ifdef CONFIG_X / #if CONFIG_X / #else blocks; compound conditions stay in the program only.
  const map = {};
  const unconditional = [];
  const configTest = (c) => {
    if ((c[0] === 'def' || c[0] === 'id') && c[1].startsWith('CONFIG_')) return c[1];
    return null;
  };
  const visit = (nodes, attribution) => {
    for (const n of nodes) {
      if (n.t === 'define' || n.t === 'undef') {
        if (n.name === 'ESP_CONFIG_H' || n.fn) continue;
        const sign = n.t === 'define' ? '+' : '-';
        if (!attribution) unconditional.push(sign + n.name);
        else if (attribution !== 'compound') {
          const e = (map[attribution.opt] ??= { y: [], n: [] });
          e[attribution.when].push(sign + n.name);
        }
      } else if (n.t === 'if') {
        const guard = n.branches.length === 1 && !n.else && n.branches[0].cond[0] === '!' && n.branches[0].cond[1][1] === 'ESP_CONFIG_H';
        if (guard) {
          visit(n.branches[0].body, attribution);
          continue;
        }
        n.branches.forEach((b) => {
          const opt = configTest(b.cond);
          visit(b.body, opt ? { opt, when: 'y' } : 'compound');
        });
        if (n.else) {
          const opt = n.branches.length === 1 ? configTest(n.branches[0].cond) : null;
          visit(n.else, opt ? { opt, when: 'n' } : 'compound');
        }
      }
    }
  };
  visit(parseFile(espConfigFile), null);
  for (const v of Object.values(map)) {
    v.y = [...new Set(v.y)];
    v.n = [...new Set(v.n)];
  }
  return { map, unconditional: [...new Set(unconditional)] };
}

// ---------------------------------------------------------------------------------------------
// Kconfig: type, choice and effective "depends on" (own + enclosing menu/if/choice) per symbol.

function parseKconfigExpr(s, where) {
  // Kconfig symbols are written without CONFIG_; comparisons (=, !=) are kept as opaque atoms.
  const re = /\s*(&&|\|\||!=|=|!|\(|\)|"[^"]*"|[A-Za-z0-9_]+)/y;
  const t = [];
  let m;
  re.lastIndex = 0;
  while (re.lastIndex < s.length && (m = re.exec(s))) t.push(m[1]);
  if (s.slice(re.lastIndex).trim()) throw new Error(`${where}: cannot read Kconfig expression "${s}"`);
  let p = 0;
  const or = () => {
    let l = and();
    while (t[p] === '||') {
      p++;
      l = l[0] === '||' ? [...l, and()] : ['||', l, and()];
    }
    return l;
  };
  const and = () => {
    let l = not();
    while (t[p] === '&&') {
      p++;
      l = l[0] === '&&' ? [...l, not()] : ['&&', l, not()];
    }
    return l;
  };
  const not = () => {
    if (t[p] === '!') {
      p++;
      return ['!', not()];
    }
    if (t[p] === '(') {
      p++;
      const e = or();
      if (t[p++] !== ')') throw new Error(`${where}: missing ) in "${s}"`);
      return e;
    }
    const sym = t[p++];
    if (t[p] === '=' || t[p] === '!=') {
      const op = t[p++];
      return ['cmp', op, `CONFIG_${sym}`, t[p++].replace(/"/g, '')];
    }
    if (sym === 'y') return ['n', 1];
    if (sym === 'n') return ['n', 0];
    return ['sym', `CONFIG_${sym}`];
  };
  const e = or();
  if (p !== t.length) throw new Error(`${where}: trailing tokens in "${s}"`);
  return e;
}

function parseKconfig(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const symbols = {};
  const blocks = []; // {kind, depends: []}
  let item = null; // current config/menu/choice being described
  let helpIndent = -1;
  let helpTextIndent = -1;
  const indentOf = (l) => l.match(/^\s*/)[0].replace(/\t/g, '        ').length;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const where = `${file}:${i + 1}`;
    if (helpIndent >= 0) {
      // help text runs while lines are blank or indented at least as far as its first line
      if (!raw.trim()) continue;
      if (helpTextIndent < 0 && indentOf(raw) > helpIndent) helpTextIndent = indentOf(raw);
      if (helpTextIndent >= 0 && indentOf(raw) >= helpTextIndent) continue;
      helpIndent = -1;
    }
    const l = raw.replace(/#.*$/, '').trim();
    if (!l) continue;
    const [kw, ...restWords] = l.split(/\s+/);
    const rest = restWords.join(' ');
    switch (kw) {
      case 'menu':
      case 'choice': {
        const b = { kind: kw, depends: [], name: kw === 'choice' ? rest || null : null };
        blocks.push(b);
        item = b;
        break;
      }
      case 'if':
        blocks.push({ kind: 'if', depends: [parseKconfigExpr(rest, where)] });
        item = null;
        break;
      case 'endmenu':
      case 'endchoice':
      case 'endif':
        blocks.pop();
        item = null;
        break;
      case 'config':
      case 'menuconfig': {
        const name = `CONFIG_${restWords[0]}`;
        item = { kind: 'config', depends: [], blocks: [...blocks] };
        symbols[name] = item;
        break;
      }
      case 'depends':
        if (item) item.depends.push(parseKconfigExpr(rest.replace(/^on\s+/, ''), where));
        break;
      case 'bool':
      case 'int':
      case 'string':
      case 'hex':
        if (item?.kind === 'config') item.type = kw;
        break;
      case 'help':
      case '---help---':
        helpIndent = indentOf(raw);
        helpTextIndent = -1;
        break;
      case 'comment':
        item = { kind: 'comment', depends: [] };
        break;
      default:
        break;
    }
  }
  const out = {};
  for (const [name, s] of Object.entries(symbols)) {
    const deps = [...s.blocks.flatMap((b) => b.depends), ...s.depends];
    const choice = [...s.blocks].reverse().find((b) => b.kind === 'choice');
    out[name] = {
      type: s.type ?? 'bool',
      ...(choice ? { choice: choice.name ? `CONFIG_${choice.name}` : '(unnamed)' } : {}),
      depends: deps.length === 0 ? null : deps.length === 1 ? deps[0] : ['&&', ...deps],
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function checkVersion(dir, expected) {
  const v = [path.join(dir, 'include/mbedtls/build_info.h'), path.join(dir, 'include/mbedtls/version.h')].find(existsSync);
  const m = /#define\s+MBEDTLS_VERSION_STRING\s+"([\d.]+)"/.exec(readFileSync(v, 'utf8'));
  if (!m || m[1] !== expected) throw new Error(`${dir}: expected Mbed TLS ${expected}, found ${m?.[1]}`);
}

function main() {
  const a = args();
  const out = {
    $comment:
      'Generated by scripts/gen-ciphersuites.mjs from Mbed TLS library/ssl_ciphersuites.c (+ ecp.c, ssl_tls.c, config headers) at v2.28.8 5a764e5555c64337ed17444410269ff21cb617b1 and v3.6.6 0bebf8b8c7f07abe3571ded48a11aa907a1ffb20, and ESP-IDF components/mbedtls (port/include/mbedtls/esp_config.h, Kconfig) at v4.4.8 e499576efdb086551abe309a72899302f82077b7 and v5.5.5 b774170ff46c393eeb5e495ea37936038d3f4f4f. Do not edit by hand.',
    sources: Object.entries(SOURCES).map(([k, s]) => ({ key: k, repo: s.repo, tag: s.tag, commit: s.commit })),
    mbedtls: {},
    idf: {},
  };
  const programs = {};
  for (const [idfKey, ver] of [['4.4', '2.28'], ['5.5', '3.6']]) {
    const mdir = a[`mbedtls-${ver}`];
    const idir = a[`idf-${idfKey}`];
    checkVersion(mdir, SOURCES[ver].version);
    const component = path.join(idir, 'components/mbedtls');
    const searchDirs = [path.join(component, 'port/include'), path.join(mdir, 'include'), path.join(mdir, 'library')];
    const rel = (f) =>
      f.startsWith(component + path.sep)
        ? `esp-idf:components/mbedtls/${path.relative(component, f).split(path.sep).join('/')}`
        : `mbedtls:${path.relative(mdir, f).split(path.sep).join('/')}`;
    const build = {
      MBEDTLS_CONFIG_FILE: '"mbedtls/esp_config.h"',
      MBEDTLS_USER_CONFIG_FILE: undefined,
      MBEDTLS_PSA_CRYPTO_CONFIG_FILE: undefined,
      MBEDTLS_PSA_CRYPTO_USER_CONFIG_FILE: undefined,
      YOTTA_CFG_MBEDTLS_USER_CONFIG_FILE: undefined,
      TARGET_LIKE_MBED: undefined,
    };
    const program = makeExpander({ searchDirs, build, rel })(path.join(mdir, 'library/ssl_ciphersuites.c'));
    const table = mbedtlsTable(ver, mdir, program);
    const roots = new Set([
      ...EXTRA_ROOTS,
      ...table.suites.flatMap((s) => s.requires.map((r) => r.replace(/^!/, ''))),
      ...table.groups.flatMap((g) => g.requires.map((r) => r.replace(/^!/, ''))),
      ...(table.signatureAlgorithms ?? []).flatMap((g) => g.requires.map((r) => r.replace(/^!/, ''))),
      ...table.removedFromDefaultList.map((r) => r.macro),
    ]);
    const initial = new Map(Object.entries(build).filter(([, v]) => v !== undefined).map(([k, v]) => [k, { s: 'def', value: v }]));
    const residual = { ...program, body: partialEvaluate(program.body, initial) };
    const relevant = relevantMacros(residual, roots);
    const emitted = emit([residual], relevant);
    out.mbedtls[ver] = { tag: SOURCES[ver].tag, commit: SOURCES[ver].commit, ...table };
    const espConfig = path.join(component, 'port/include/mbedtls/esp_config.h');
    const mapping = kconfigToMacros(espConfig);
    const kconfig = parseKconfig(path.join(component, 'Kconfig'));
    const inputs = new Set();
    walk([residual], (n, conds) => {
      if ((n.t === 'define' || n.t === 'undef') && relevant.has(n.name)) for (const c of conds) for (const id of exprIdents(c)) if (id.startsWith('CONFIG_')) inputs.add(id);
    });
    // Kconfig entries for every option the program reads, and for what those depend on.
    const kc = {};
    const addKconfig = (name) => {
      if (kc[name] || !kconfig[name]) return;
      kc[name] = kconfig[name];
      const deps = kconfig[name].depends;
      if (deps) for (const id of kexprSymbols(deps)) addKconfig(id);
    };
    for (const name of [...inputs, ...Object.keys(mapping.map)].sort()) addKconfig(name);
    out.idf[idfKey] = {
      tag: SOURCES[idfKey].tag,
      commit: SOURCES[idfKey].commit,
      mbedtls: ver,
      build: { MBEDTLS_CONFIG_FILE: build.MBEDTLS_CONFIG_FILE, includePath: ['components/mbedtls/port/include', 'mbedtls/include', 'mbedtls/library'] },
      inputs: [...inputs].sort(),
      program: `@@PROGRAM_${idfKey}@@`,
      kconfigToMacros: mapping.map,
      espConfigUnconditional: mapping.unconditional,
      kconfig: kc,
    };
    programs[idfKey] = { emitted, size: JSON.stringify(emitted).length, inputs: inputs.size, relevant: relevant.size };
  }
  const target = a.out ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../server/src/data/mbedtls-ciphersuites.json');
  for (const [ver, t] of Object.entries(out.mbedtls)) {
    const inList = t.suites.filter((x) => x.preference !== null).length;
    console.log(`Mbed TLS ${ver}: ${t.suites.length} suites (${inList} in the default list), ${t.groups.length} groups`);
  }
  // Long arrays of small records are written one record per line, small objects on one line.
  const inlined = {};
  let counter = 0;
  const placeholder = (text) => {
    const key = `@@INLINE_${counter++}@@`;
    inlined[key] = text;
    return key;
  };
  const perLine = (arr, indent) => placeholder(`[\n${arr.map((x) => ' '.repeat(indent) + JSON.stringify(x)).join(',\n')}\n${' '.repeat(indent - 1)}]`);
  for (const t of Object.values(out.mbedtls)) {
    t.suites = perLine(t.suites, 4);
    t.groups = perLine(t.groups, 4);
    if (t.signatureAlgorithms) t.signatureAlgorithms = perLine(t.signatureAlgorithms, 4);
  }
  for (const i of Object.values(out.idf)) {
    for (const k of Object.keys(i.kconfig)) i.kconfig[k] = placeholder(JSON.stringify(i.kconfig[k]));
    for (const k of Object.keys(i.kconfigToMacros)) i.kconfigToMacros[k] = placeholder(JSON.stringify(i.kconfigToMacros[k]));
    i.inputs = placeholder(JSON.stringify(i.inputs));
    i.espConfigUnconditional = placeholder(JSON.stringify(i.espConfigUnconditional));
  }
  let text = JSON.stringify(out, null, 1) + '\n';
  for (const [k, v] of Object.entries(inlined)) text = text.replace(`"${k}"`, () => v);
  for (const [k, p] of Object.entries(programs)) text = text.replace(`"@@PROGRAM_${k}@@"`, () => `[\n${formatProgram(p.emitted, 3)}\n  ]`);
  JSON.parse(text); // still JSON
  writeFileSync(target, text);

  for (const [k, p] of Object.entries(programs)) console.log(`ESP-IDF ${k}: program ${p.size} chars, ${p.relevant} macros, ${p.inputs} CONFIG inputs`);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

function kexprSymbols(e, out = new Set()) {
  if (e[0] === 'sym') out.add(e[1]);
  else if (e[0] === 'cmp') out.add(e[2]);
  else if (e[0] !== 'n') for (const x of e.slice(1)) kexprSymbols(x, out);
  return out;
}

main();
