// The part of the WebAssembly JavaScript API that Node 20 provides and mbedtls/device/ uses. TypeScript
// declares it only in the DOM and web-worker libraries, which would bring browser globals into the server.
declare namespace WebAssembly {
  class Module {}
  class Memory { readonly buffer: ArrayBuffer }
  class Instance { readonly exports: Record<string, unknown> }
  type ModuleImports = Record<string, unknown>;
  type Imports = Record<string, ModuleImports>;
  function compile(bytes: Uint8Array): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
