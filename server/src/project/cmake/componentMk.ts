// A legacy GNU Make component (component.mk, ESP-IDF v3/v4 `make` builds): its COMPONENT_EMBED_TXTFILES
// and COMPONENT_EMBED_FILES, relative to the component folder. A project that still builds with make has
// these embeds (and its CMakeLists.txt may not); a CMake build ignores the file.
import path from 'node:path';
import { LineIndex } from '../../positions';
import { embedSymbol, type CMakeFacts, type EmbedFact } from './facts';

const ASSIGN = /^[ \t]*(COMPONENT_EMBED_TXTFILES|COMPONENT_EMBED_FILES)[ \t]*(\+=|:=|\?=|=)(.*)$/gm;

export function readComponentMk(file: string, text: string): CMakeFacts {
  const dir = path.dirname(file);
  const lines = new LineIndex(text);
  const embeds: EmbedFact[] = [];
  const unknownEmbeds: NonNullable<CMakeFacts['unknownEmbeds']> = [];
  for (const m of text.matchAll(ASSIGN)) {
    const mode = m[1] === 'COMPONENT_EMBED_TXTFILES' ? 'text' : 'binary';
    const valueStart = m.index + m[0].length - m[3].length;
    const modeRange = lines.range(m.index + m[0].indexOf(m[1]), m.index + m[0].indexOf(m[1]) + m[1].length);
    const words = [...m[3].replace(/#.*$/, '').matchAll(/\S+/g)];
    for (const w of words) {
      const written = w[0].replace(/\$\(COMPONENT_PATH\)\/?/g, '');
      const range = lines.range(valueStart + w.index, valueStart + w.index + w[0].length);
      if (/\$[({]/.test(written)) { unknownEmbeds.push({ written, range, maybe: false }); continue; }
      embeds.push({
        written, file: path.resolve(dir, written), mode, via: 'component.mk', symbol: embedSymbol(written),
        range, tokenRange: range, modeRange, commandRange: lines.range(m.index, m.index + m[0].length), listSize: words.length,
      });
    }
  }
  return { embeds, unknownEmbeds };
}
