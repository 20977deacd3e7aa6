// What the C preprocessor will see from a project's configuration: CONFIG_* macros from the merged
// sdkconfig (with the Kconfig defaults of the project's IDF version for the options we know), and
// ESP_IDF_VERSION from the project's IDF version.
import type { MacroEnv } from '../c/conditions';
import type { EspIdfProject } from '../project/model';
import { ProjectConfig } from './kconfig';
import { isStatedVersion } from '../project/idfVersion';

const envs = new WeakMap<EspIdfProject, MacroEnv>();

export function macroEnvFor(project: EspIdfProject | undefined): MacroEnv {
  if (!project) return { lookup: () => undefined };
  let env = envs.get(project);
  if (!env) { env = buildEnv(project); envs.set(project, env); }
  return env;
}

function buildEnv(project: EspIdfProject): MacroEnv {
  const config = ProjectConfig.of(project);
  const v = project.idfVersion;
  // `#if ESP_IDF_VERSION >= ...` is decided only by a version the project states.
  const versionKnown = isStatedVersion(v);
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
      const effective = config.get(name);
      // Without a generated sdkconfig, an option we have no Kconfig data for is unknown.
      if (!effective) return config.complete ? null : undefined;
      if (effective.value === 'n') return null;
      if (effective.value === 'y') return 1;
      const n = Number(effective.value);
      return Number.isFinite(n) ? n : 1; // a string option is defined; its value cannot appear in #if arithmetic
    },
  };
}
