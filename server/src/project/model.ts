// The ESP-IDF project model: which projects a workspace holds, their components, their sdkconfig
// chain and their IDF version. Built by project/discover.ts; read by the analyzer, rules and CLI.
import type { ParsedSdkconfig } from '../sdkconfig/parse';
import type { InstalledKconfig } from './idfKconfig';

export type IdfVersionSource = 'sdkconfig' | 'IDF_PATH' | 'setting' | 'assumed';

export interface IdfVersion {
  major: number;
  minor: number;
  patch?: number;
  /** Where the version came from, in DESIGN.md's order of preference. */
  source: IdfVersionSource;
  /** The file it was read from, when it was read from one. */
  file?: string;
}

/** One value of the merged sdkconfig, with the file and 0-based line it came from. */
export interface SdkconfigEntry {
  name: string;
  /** Raw value text: `y`, `"esp32"`, `16384`; `n` for `# CONFIG_X is not set`. */
  value: string;
  file: string;
  line: number;
}

export interface Component {
  name: string;
  dir: string;
  /** managed_components/ (from the IDF component manager): analysed for facts, findings hidden by default. */
  thirdParty: boolean;
}

export interface EspIdfProject {
  /** Absolute path of the folder whose CMakeLists.txt includes project.cmake. */
  root: string;
  /** project(NAME) from the top-level CMakeLists.txt, if found. */
  name?: string;
  components: Component[];
  /** The sdkconfig files that exist, in ESP-IDF's merge order (defaults first, sdkconfig last). */
  sdkconfigChain: string[];
  /** Merged view: later files in the chain win. */
  sdkconfig: Map<string, SdkconfigEntry>;
  /** Every line of every file of the chain, in chain order (for rules that look at each file, and edits). */
  sdkconfigFiles?: ParsedSdkconfig[];
  /** The mbedTLS and ESP-TLS Kconfig of the installed ESP-IDF ($IDF_PATH), when there is one. */
  installedKconfig?: InstalledKconfig;
  target: string;
  idfVersion: IdfVersion;
  /** Absolute paths of every file worth analysing (C/C++ sources and headers, CMakeLists.txt,
   * sdkconfig files, certificate files), excluding build output, .git, .gitignore'd and files.exclude'd paths.
   * The sdkconfig chain's files are always included: the build reads them even when .gitignore'd. */
  files: string[];
}
