// The Kconfig of the project's own components (Kconfig and Kconfig.projbuild in main/, components/*,
// extra and managed components): the options a project defines for itself, such as
// CONFIG_EXAMPLE_USE_CERT_BUNDLE. Their defaults decide an `#if CONFIG_...` or an `if(CONFIG_...)` that a
// defaults-only sdkconfig does not mention, exactly as the config tool would when it writes sdkconfig.
import { readText } from '../read';
import path from 'node:path';
import { kconfigSources, parseKconfig, type KconfigSymbolDef } from './parse';

export interface ProjectKconfig {
  /** The Kconfig files read, for notes and tests. */
  files: string[];
  symbols: Map<string, KconfigSymbolDef>;
}

/** Reads the Kconfig files of the given component folders, following `rsource`/`source` one level deep. */
export function readProjectKconfig(componentDirs: string[], env: NodeJS.ProcessEnv): ProjectKconfig {
  const symbols = new Map<string, KconfigSymbolDef>();
  const files: string[] = [];
  const read = (file: string, depth: number): void => {
    if (files.includes(file) || depth > 3) return;
    const text = readText(file);
    if (text === undefined) return;
    files.push(file);
    for (const [name, sym] of parseKconfig(text)) if (!symbols.has(name)) symbols.set(name, sym.choice ? { ...sym, choice: `${file}#${sym.choice}` } : sym);
    for (const s of kconfigSources(text)) {
      const expanded = s.path.replace(/\$\(?(\w+)\)?/g, (_, v: string) => (v === 'COMPONENT_KCONFIGS_SOURCE_FILE' ? '\0' : env[v] ?? '\0'));
      if (expanded.includes('\0')) continue;
      read(s.relative ? path.resolve(path.dirname(file), expanded) : path.resolve(expanded), depth + 1);
    }
  };
  for (const dir of componentDirs) {
    read(path.join(dir, 'Kconfig.projbuild'), 0);
    read(path.join(dir, 'Kconfig'), 0);
  }
  return { files, symbols };
}
