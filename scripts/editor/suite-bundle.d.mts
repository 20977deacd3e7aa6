// Types for suite-bundle.mjs, so test/editor/runElectron.ts type-checks (npx tsc -p test).
export declare const SUITE_ENTRY: string;
export declare const SUITE_BUNDLE: string;
export declare function bundleSuite(): Promise<string>;
