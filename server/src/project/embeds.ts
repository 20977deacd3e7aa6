// The facts of one CMakeLists.txt (or legacy component.mk): what it embeds and compiles, read the way the
// build reads it (project/cmake/), plus where a quick fix can add an embed. shared/reference/embedding.md
// has the rules: TEXT appends a NUL byte, BINARY does not; the symbols are _binary_<name>_start/_end
// where <name> is the file's basename (or RENAME_TO) made a C identifier.
import path from 'node:path';
import { LineIndex } from '../positions';
import { parseCMake } from './cmake/parse';
import { readComponentCMake } from './cmake/component';
import { readComponentMk } from './cmake/componentMk';
import { hostFor, type CMakeScope } from './cmake/host';
import type { CMakeFacts } from './cmake/facts';

export { embedSymbol } from './cmake/facts';
export type { CMakeFacts, EmbedFact, RegisterCall } from './cmake/facts';
export type { CMakeScope } from './cmake/host';

const KEYWORD = /^(SRCS|SRC_DIRS|EXCLUDE_SRCS|INCLUDE_DIRS|PRIV_INCLUDE_DIRS|LDFRAGMENTS|REQUIRES|PRIV_REQUIRES|REQUIRED_IDF_TARGETS|EMBED_FILES|EMBED_TXTFILES|KCONFIG|KCONFIG_PROJBUILD|WHOLE_ARCHIVE)$/;

/** Facts of a CMakeLists.txt. `scope` is the project it builds in (a bare project folder in tests). */
export function extractCMake(cmakeFile: string, text: string, scope?: CMakeScope | string): CMakeFacts {
  const s: CMakeScope = typeof scope === 'string' || scope === undefined ? { projectDir: scope } : scope;
  if (path.basename(cmakeFile) === 'component.mk') return s.makeBuild === false ? { embeds: [] } : readComponentMk(cmakeFile, text);
  const facts = readComponentCMake(cmakeFile, text, hostFor(cmakeFile, s));
  const register = registerCall(text);
  if (register) facts.register = register;
  return facts;
}

function registerCall(text: string): CMakeFacts['register'] {
  const lines = new LineIndex(text);
  const register = parseCMake(text).find((c) => c.name.toLowerCase() === 'idf_component_register');
  if (!register) return undefined;
  const keyword = register.args.find((a) => a.text === 'EMBED_TXTFILES' && !a.quoted);
  // New keywords line up with the call's last keyword (`INCLUDE_DIRS`, `REQUIRES`...).
  const lastKeyword = register.args.filter((a) => !a.quoted && KEYWORD.test(a.text)).at(-1);
  return {
    close: lines.position(register.end - 1),
    embedTxtKeywordEnd: keyword && lines.position(keyword.end),
    indent: lastKeyword ? ' '.repeat(lines.position(lastKeyword.start).character) : '    ',
  };
}
