// The ESP-IDF project model: which projects a workspace holds, their components, their sdkconfig
// chain and their IDF version. Built by project/discover.ts; read by the analyzer, rules and CLI.
import type { ParsedSdkconfig } from '../sdkconfig/parse';
import type { InstalledKconfig } from './kconfig/installed';
import type { ProjectKconfig } from './kconfig/project';
import type { BuildFolder } from './build/buildFolder';
import type { CMakeFacts } from './cmake/facts';

export type IdfVersionSource = 'sdkconfig' | 'dependencies.lock' | 'build' | 'IDF_PATH' | 'options' | 'setting' | 'assumed';

export interface IdfVersion {
  major: number;
  minor: number;
  patch?: number;
  /** Where the version came from, in DESIGN.md's order of preference. */
  source: IdfVersionSource;
  /** The file it was read from, when it was read from one. */
  file?: string;
  /** Why this version, in words (status bar tooltip, log, `check --format json`). */
  why?: string;
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
   * The sdkconfig chain's files are always included: the build reads them even when .gitignore'd, and so are
   * the files a component embeds or compiles. */
  files: string[];
  /** Component folders outside `root` (EXTRA_COMPONENT_DIRS, idf_component.yml `path:`): their files are this build's too. */
  externalDirs?: string[];
  /** Sources a component names outside every folder above (`${sdk_root}/src/client.c` of an SDK's port
   *  component), inside the workspace: compiled by this build, so analysed with it. */
  externalFiles?: ReadonlySet<string>;
  /** The build folder, when there is one: the build's own view, preferred over inference. */
  build?: BuildFolder;
  /** Kconfig / Kconfig.projbuild of the project's components. */
  kconfig?: ProjectKconfig;
  /** What the build compiles, as far as it can be known (project/compiled.ts). */
  compiled?: CompiledSources;
  /** Parts of the build that could not be read (a component folder named by an unknown variable), in words.
   * While there are any, a source outside every known component may still be compiled. */
  unknowns?: string[];
  /** The facts of every CMakeLists.txt / component.mk of the build, read once with this model's configuration. */
  cmakeFacts?: ReadonlyMap<string, CMakeFacts>;
  /** The project still builds with GNU Make (a Makefile including project.mk): component.mk embeds count. */
  makeBuild?: boolean;
}

export interface CompiledSources {
  /** Absolute paths of sources some component compiles (maybe-branches included). */
  files: Set<string>;
  /** SRC_DIRS folders: every source directly in one is compiled, also one created after discovery. */
  dirs: Set<string>;
  /** Component folders whose source list could not be read completely: their files count as compiled. */
  incompleteDirs: string[];
}
