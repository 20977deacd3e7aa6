// What the C preprocessor will see from a project's configuration: CONFIG_* macros from the merged
// sdkconfig, and ESP_IDF_VERSION from the project's IDF version.
import type { MacroEnv } from '../c/conditions';
import type { EspIdfProject } from '../project/model';
import path from 'node:path';

export function macroEnvFor(project: EspIdfProject | undefined): MacroEnv {
  if (!project) return { lookup: () => undefined };
  // With a generated sdkconfig every option is listed, so an absent CONFIG_ macro is known to be
  // undefined. With only sdkconfig.defaults the Kconfig default decides, which we do not read here.
  const complete = project.sdkconfigChain.some((f) => path.basename(f) === 'sdkconfig');
  const v = project.idfVersion;
  const versionKnown = v.source !== 'assumed';
  const version: Record<string, number> = {
    ESP_IDF_VERSION: (v.major << 16) | (v.minor << 8) | (v.patch ?? 0),
    ESP_IDF_VERSION_MAJOR: v.major,
    ESP_IDF_VERSION_MINOR: v.minor,
    ESP_IDF_VERSION_PATCH: v.patch ?? 0,
  };
  return {
    lookup(name) {
      if (name in version) return versionKnown && (name !== 'ESP_IDF_VERSION_PATCH' || v.patch !== undefined) ? version[name] : undefined;
      if (!name.startsWith('CONFIG_')) return undefined;
      const entry = project.sdkconfig.get(name);
      if (!entry) return complete ? null : undefined;
      if (entry.value === 'n') return null;
      if (entry.value === 'y') return 1;
      const n = Number(entry.value);
      return Number.isFinite(n) ? n : 1; // a string option is defined; its value cannot appear in #if arithmetic
    },
  };
}
