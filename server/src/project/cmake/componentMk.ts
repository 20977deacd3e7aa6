// A legacy GNU Make component (component.mk, ESP-IDF v3/v4 `make` builds): its COMPONENT_EMBED_TXTFILES
// and COMPONENT_EMBED_FILES, relative to the component folder. Read only in a project that still has a
// Make build beside its CMake one; the embeds are "maybe", since either build may be the one made.
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
        // The project builds with CMake too (it was found by its CMakeLists.txt): the Make build may not be the one made.
        maybe: true,
      });
    }
  }
  return { embeds, unknownEmbeds };
}
