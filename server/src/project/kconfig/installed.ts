// When the user's ESP-IDF is installed (IDF_PATH, or Espressif's extension setting passed on as
// IDF_PATH), the options and defaults come from its own Kconfig files: components/mbedtls and
// components/esp-tls, and those of the other components whose options the rules read (OTA over
// HTTP, NVS encryption, secure boot and flash encryption, OpenThread, the HTTP client): exactly that
// version, patch releases included. Otherwise the shipped tables (server/src/data/kconfig-mbedtls.json) stand in.
import { readText } from '../read';
import path from 'node:path';
import { parseKconfig, type KconfigSymbolDef } from './parse';

export type InstalledSymbol = KconfigSymbolDef;

export interface InstalledKconfig {
  /** The Kconfig files read. */
  sources: string[];
  symbols: Map<string, InstalledSymbol>;
}

const FILES = [
  'components/mbedtls/Kconfig', 'components/esp-tls/Kconfig',
  'components/esp_https_ota/Kconfig', 'components/nvs_flash/Kconfig', 'components/bootloader/Kconfig.projbuild',
  'components/openthread/Kconfig', 'components/esp_http_client/Kconfig',
];

const cache = new Map<string, Promise<InstalledKconfig | undefined>>();

export function readInstalledKconfig(idfPath: string | undefined): Promise<InstalledKconfig | undefined> {
  if (!idfPath) return Promise.resolve(undefined);
  let p = cache.get(idfPath);
  if (!p) { p = load(idfPath); cache.set(idfPath, p); }
  return p;
}

async function load(idfPath: string): Promise<InstalledKconfig | undefined> {
  const symbols = new Map<string, InstalledSymbol>();
  const sources: string[] = [];
  for (const rel of FILES) {
    const file = path.join(idfPath, rel);
    const text = readText(file);
    if (text === undefined) continue;
    sources.push(file);
    // Choice ids count per file: qualify them, or two files' first choices would be one.
    for (const [name, sym] of parseKconfig(text)) symbols.set(name, sym.choice ? { ...sym, choice: `${rel}#${sym.choice}` } : sym);
  }
  return sources.length ? { sources, symbols } : undefined;
}

