// Kconfig entries (`config`/`menuconfig`) with their type, defaults, dependencies (the enclosing `if`,
// `menu ... depends on` and choice included) and selects, in the notation of the shipped table:
// "y", "16384", "y if A ; n", "y (choice default)". Used for the installed ESP-IDF's own Kconfig files and
// for the project's Kconfig / Kconfig.projbuild, whose defaults decide what an sdkconfig leaves out.

export interface KconfigSymbolDef {
  type: string;
  default?: string;
  depends?: string;
  prompt: string;
  selects: string[];
  /** Members of one `choice` share this id (the file-order number of the choice). */
  choice?: string;
}

/** Reads `config`/`menuconfig` entries with their type, defaults, dependencies (incl. enclosing `if`) and selects. */
export function parseKconfig(text: string): Map<string, KconfigSymbolDef> {
  const out = new Map<string, KconfigSymbolDef>();
  // Enclosing `if X` and `menu` blocks: a menu's `depends on` holds for everything inside it.
  const blocks: { kind: 'if' | 'menu'; cond?: string }[] = [];
  let menuPending: { kind: 'menu'; cond?: string } | undefined;
  let choice: { id: string; members: string[]; default?: string; depends: string[] } | undefined;
  let choices = 0;
  let current: (KconfigSymbolDef & { name: string; defaults: string[]; dependsList: string[] }) | undefined;
  const finish = () => {
    menuPending = undefined;
    if (!current) return;
    const deps = [...blocks.map((b) => b.cond ?? ''), ...(choice?.depends ?? []), ...current.dependsList].filter(Boolean);
    const def: KconfigSymbolDef = {
      type: current.type, prompt: current.prompt, selects: current.selects,
      default: current.defaults.length ? current.defaults.join(' ; ') : undefined,
      depends: deps.length ? deps.map((d) => (deps.length > 1 ? `(${d})` : d)).join(' && ') : undefined,
      ...(choice ? { choice: choice.id } : {}),
    };
    const key = `CONFIG_${current.name}`;
    out.set(key, out.has(key) ? merged(out.get(key)!, def) : def);
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
      choice = { id: String(++choices), members: [], depends: [] };
    } else if (/^endchoice\b/.test(line)) {
      finish();
      for (const member of choice?.members ?? []) {
        const sym = out.get(`CONFIG_${member}`);
        if (sym && !sym.default) sym.default = member === choice!.default ? 'y (choice default)' : 'n (choice member)';
      }
      choice = undefined;
    } else if ((m = /^if\s+(.+)$/.exec(line))) {
      finish();
      blocks.push({ kind: 'if', cond: m[1] });
    } else if (/^endif\b/.test(line)) {
      finish();
      popLast(blocks, 'if');
    } else if (/^menu\b/.test(line)) {
      finish();
      menuPending = { kind: 'menu' };
      blocks.push(menuPending);
    } else if (/^endmenu\b/.test(line)) {
      finish();
      popLast(blocks, 'menu');
    } else if (/^(comment|source|rsource|osource|orsource|mainmenu)\b/.test(line)) {
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
      else if (menuPending) menuPending.cond = menuPending.cond ? `(${menuPending.cond}) && (${m[1]})` : m[1];
    } else if ((m = /^select\s+(.+)$/.exec(line))) {
      if (current) current.selects.push(m[1]);
    }
  }
  finish();
  return out;
}

/**
 * A symbol defined twice (`if A` / `config X ... default y` / `endif`, then again under `if !A`): Kconfig keeps one
 * symbol whose defaults each carry their own definition's dependencies and which is visible when either holds.
 */
function merged(a: KconfigSymbolDef, b: KconfigSymbolDef): KconfigSymbolDef {
  const guarded = (d: KconfigSymbolDef) => (d.default ?? '').split(' ; ').filter(Boolean).map((v) => {
    if (!d.depends) return v;
    const m = /^(.*?)\s+if\s+(.+)$/.exec(v);
    return m ? `${m[1]} if (${m[2]}) && (${d.depends})` : `${v} if ${d.depends}`;
  });
  const defaults = [...guarded(a), ...guarded(b)];
  return {
    type: a.prompt || a.type !== 'bool' ? a.type : b.type, prompt: a.prompt || b.prompt, selects: [...a.selects, ...b.selects],
    default: defaults.length ? defaults.join(' ; ') : undefined,
    depends: a.depends && b.depends ? `(${a.depends}) || (${b.depends})` : undefined,
    ...(a.choice ?? b.choice ? { choice: a.choice ?? b.choice } : {}),
  };
}

function popLast(blocks: { kind: string }[], kind: string): void {
  for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i].kind === kind) { blocks.splice(i, 1); return; }
}

/** The `source "path"` / `rsource` lines of a Kconfig file (relative to `dir` for rsource/orsource). */
export function kconfigSources(text: string): { path: string; relative: boolean }[] {
  return [...text.matchAll(/^\s*(o?r?source)\s+"([^"]+)"/gm)].map((m) => ({ path: m[2], relative: m[1].includes('r') }));
}
