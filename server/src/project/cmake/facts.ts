// What a CMakeLists.txt tells the rules: embeds, sources, generated binaries, and what could not be read.
import type { Position, Range } from '../../rules/finding';

export interface EmbedFact {
  /** The path as the build sees it (variables expanded), or as written when it could not be expanded. */
  written: string;
  /** Absolute path, or undefined when it uses a variable we cannot expand. */
  file?: string;
  mode: 'text' | 'binary';
  /** `server_root_cert_pem` for `_binary_server_root_cert_pem_start`. */
  symbol: string;
  via: 'EMBED_TXTFILES' | 'EMBED_FILES' | 'target_add_binary_data' | 'COMPONENT_EMBED_TXTFILES' | 'COMPONENT_EMBED_FILES' | 'component.mk';
  /** Where the path is written (inside its quotes; `tokenRange` includes them): in the call, or in the set() that
   * made the variable the call uses. `modeRange` is the keyword (or TEXT/BINARY word) that decides the mode. */
  range: Range;
  tokenRange: Range;
  modeRange: Range;
  /** The whole command, and how many files its list holds (a fix that moves one needs to know). */
  commandRange: Range;
  listSize: number;
  /** In an if() branch the configuration does not decide: the build may not embed it. */
  maybe?: true;
  /** The call names it through a variable: a fix cannot edit the list in place. */
  fromVariable?: true;
}

/** An embed whose file name could not be read (`EMBED_TXTFILES ${cert}` with `cert` from outside). */
export interface UnknownEmbed { written: string; range: Range; maybe: boolean }

/** Where a fix can add `EMBED_TXTFILES file` to idf_component_register: before its `)`, or after an existing keyword. */
export interface RegisterCall { close: Position; embedTxtKeywordEnd?: Position; indent: string }

export interface CMakeFacts {
  embeds: EmbedFact[];
  register?: RegisterCall;
  unknownEmbeds?: UnknownEmbed[];
  /** `_binary_<symbol>_start` symbols of binaries the build makes itself (ulp_embed_binary); '*' when unnamed. */
  generatedSymbols?: string[];
  /** Absolute paths of the sources the component compiles, and the SRC_DIRS folders whose every source it
   * compiles (a file created there later is compiled too); `complete` false when some could not be read. */
  sources?: { files: string[]; dirs: string[]; complete: boolean };
  notes?: string[];
}

/** CMake's string(MAKE_C_IDENTIFIER) of the basename: `mosquitto.org.crt` -> `mosquitto_org_crt`. */
export function embedSymbol(fileOrName: string): string {
  const base = fileOrName.split(/[\\/]/).pop() ?? fileOrName;
  const id = base.replace(/[^A-Za-z0-9_]/g, '_');
  return /^\d/.test(id) ? `_${id}` : id;
}
