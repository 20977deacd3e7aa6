// sdkconfig line parser. Every line is kept (with its own line ending) so that a later edit can
// rewrite one value and leave the rest of the file byte for byte as it was. The grammar follows
// kconfiglib, which ESP-IDF's kconfgen uses: `CONFIG_X=value` at column 0, `# CONFIG_X is not set`,
// trailing whitespace ignored, anything else a comment or a line the tools warn about and skip.
import type { SdkconfigEntry } from '../project/model';

export type SdkconfigLineKind = 'value' | 'unset' | 'comment' | 'blank' | 'unknown';

export interface SdkconfigLine {
  kind: SdkconfigLineKind;
  /** 0-based line number. */
  line: number;
  /** The line's text without its line ending. */
  raw: string;
  /** '\n', '\r\n', or '' for a last line without one. */
  eol: string;
  /** `CONFIG_X` for 'value' and 'unset' lines. */
  name?: string;
  /** Raw value text (`y`, `"esp32"`, `16384`); `n` for 'unset' lines. */
  value?: string;
}

export interface ParsedSdkconfig {
  file: string;
  lines: SdkconfigLine[];
}

const valueLine = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
// Like the config tool: anything after "is not set" is ignored.
const unsetLine = /^# (CONFIG_[A-Za-z0-9_]+) is not set(?:\s.*)?$/;

/** Parses sdkconfig, sdkconfig.defaults and friends. Never throws; odd lines become 'unknown'. */
export function parseSdkconfig(text: string, file: string): ParsedSdkconfig {
  const lines: SdkconfigLine[] = [];
  // Split keeping the separators so the file can be rebuilt exactly (CRLF files stay CRLF).
  const parts = text.split(/(\r?\n)/);
  for (let i = 0; i < parts.length; i += 2) {
    const raw = parts[i];
    const eol = parts[i + 1] ?? '';
    // An empty last piece is what follows a final newline (or an empty file), not a line.
    if (i === parts.length - 1 && raw === '') break;
    lines.push(classify(raw, eol, lines.length));
  }
  return { file, lines };
}

function classify(raw: string, eol: string, line: number): SdkconfigLine {
  // Like kconfiglib, ignore trailing whitespace (and a stray '\r') but not leading whitespace.
  const text = raw.trimEnd(); // not /\s+$/: V8 retries it at every space of a long run (quadratic)
  const set = valueLine.exec(text);
  if (set) return { kind: 'value', line, raw, eol, name: set[1], value: set[2] };
  const unset = unsetLine.exec(text);
  if (unset) return { kind: 'unset', line, raw, eol, name: unset[1], value: 'n' };
  if (text.trim() === '') return { kind: 'blank', line, raw, eol };
  if (text.trimStart().startsWith('#')) return { kind: 'comment', line, raw, eol };
  return { kind: 'unknown', line, raw, eol };
}

/** Rebuilds the text a parse came from; identical bytes when nothing was changed. */
export function serializeSdkconfig(parsed: ParsedSdkconfig): string {
  return parsed.lines.map((l) => l.raw + l.eol).join('');
}

/** Merges files given in ESP-IDF's order (defaults first, sdkconfig last): later files win. */
export function mergeSdkconfig(files: { file: string; text: string }[]): Map<string, SdkconfigEntry> {
  const merged = new Map<string, SdkconfigEntry>();
  for (const { file, text } of files) {
    for (const l of parseSdkconfig(text, file).lines) {
      if (l.name === undefined || l.value === undefined) continue;
      merged.set(l.name, { name: l.name, value: l.value, file, line: l.line });
    }
  }
  return merged;
}

/** The text of a quoted sdkconfig string value (`"esp32"` -> `esp32`); other values unchanged. */
export function unquoteSdkconfigValue(value: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  return m ? m[1].replace(/\\(.)/g, '$1') : value;
}
