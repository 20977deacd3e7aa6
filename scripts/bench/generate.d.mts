// Types of generate.mjs for the TypeScript tests that use it (test/unit/c-chunks.test.ts).
export declare const GENERATOR_VERSION: number;

export interface GeneratedStats {
  bytes: number;
  files: number;
  cFiles: number;
  tlsConfigs: number;
  pemLiterals: number;
  certFiles: number;
  components: number;
  /** The 5,000-line C file, relative to the workspace. */
  bigFile: string;
  /** The first C file holding a PEM literal, relative to the workspace. */
  pemFile: string;
}

export declare function generate(out: string, sizeMb: number, seed?: number): Promise<GeneratedStats>;
