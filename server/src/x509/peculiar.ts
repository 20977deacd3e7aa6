// @peculiar/x509 (and reflect-metadata, which its decorators need) is loaded when the first name or
// extension is read, not at start-up: evaluating it costs about 60 ms (docs/BENCHMARKS.md), and the
// language server answers `initialize` before any certificate is decoded. esbuild keeps a required
// CommonJS package in a wrapper that runs on the first call.
type X509 = typeof import('@peculiar/x509');

let lib: X509 | undefined;

export function peculiarX509(): X509 {
  if (!lib) {
    require('reflect-metadata');
    lib = require('@peculiar/x509') as X509;
  }
  return lib;
}
