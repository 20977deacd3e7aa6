// Creates the LanguageClient for dist/server.js and the set of files it serves.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Ctx } from './context';

/** C/C++ sources, sdkconfig files, CMakeLists.txt and certificate files of the workspace. */
export const documentSelector: LanguageClientOptions['documentSelector'] = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', language: 'cpp' },
  { scheme: 'file', pattern: '**/sdkconfig{,.defaults,.defaults.*,.ci,.ci.*}' },
  { scheme: 'file', pattern: '**/CMakeLists.txt' },
  { scheme: 'file', language: 'pem' },
  { scheme: 'file', language: 'esp-idf-log' },
  { scheme: 'file', pattern: '**/*.der' },
];

// Sources and certificates, and every file the project model is read from (a change to one re-reads it).
const watched = '**/{*.c,*.h,*.cpp,*.cc,*.cxx,*.hpp,*.hh,*.ino,CMakeLists.txt,component.mk,Kconfig,Kconfig.projbuild,idf_component.yml,dependencies.lock,project_description.json,sdkconfig,sdkconfig.defaults*,*.pem,*.crt,*.cer,*.der,*.key}';

/**
 * Espressif's settings the server uses, as far as they may be trusted: in Restricted Mode only the user's
 * own (global) values, never the workspace's, since they decide which folders outside it are read.
 */
function idfSetting(key: 'espIdfPath' | 'buildPath'): string | undefined {
  const config = vscode.workspace.getConfiguration('idf');
  const value = vscode.workspace.isTrusted ? config.get<unknown>(key) : config.inspect<unknown>(key)?.globalValue;
  return typeof value === 'string' && value ? value : undefined;
}

/** The server reads the IDF version from $IDF_PATH; Espressif's extension keeps that path in its own setting. */
function serverEnv(): NodeJS.ProcessEnv {
  const fromEspressif = idfSetting('espIdfPath');
  return process.env.IDF_PATH || !fromEspressif ? process.env : { ...process.env, IDF_PATH: fromEspressif };
}

export function createClient(ctx: Ctx): LanguageClient {
  const module = ctx.extension.asAbsolutePath('dist/server.js');
  const env = serverEnv();
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: ctx.log,
    synchronize: {
      configurationSection: ['espTlsLens', 'files.exclude'],
      fileEvents: ctx.own(vscode.workspace.createFileSystemWatcher(watched)),
    },
    middleware: {
      // In Restricted Mode nothing connects: a lens keeps what it says, without the click that fetches the chain.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        if (vscode.workspace.isTrusted || !lenses) return lenses;
        return lenses.filter((l) => l.command?.command !== 'espTlsLens.checkServer')
          .map((l) => (l.command?.command === 'espTlsLens.fetchChain' ? new vscode.CodeLens(l.range, { title: l.command.title, command: '' }) : l));
      },
      workspace: {
        // The server asks for the 'idf' section (idf.buildPath): answer with what Restricted Mode allows.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (vscode.workspace.isTrusted || !Array.isArray(result)) return result;
          return params.items.map((item, i) => (item.section === 'idf' ? { buildPath: idfSetting('buildPath') } : result[i]));
        },
      },
    },
    initializationFailedHandler: (error) => {
      ctx.log.error(`the server failed to initialise: ${String(error)}`);
      return false;
    },
  };
  return new LanguageClient('espTlsLens', 'ESP-IDF TLS Lens', serverOptions, clientOptions);
}
