// How many bytes of flash the project's default certificate bundle takes: the x509_crt_bundle ESP-IDF's
// build embeds for the FULL or CMN list (plus the deprecated list when enabled), as measured with each
// release's own gen_crt_bundle.py (server/src/data/idf-bundle-sizes.json; data/README.md says how).
import sizes from '../data/idf-bundle-sizes.json';
import type { ProjectConfig } from './kconfig';

interface Measured { certs: number; bytes: number }
interface Release { tag: string; layout: 'A' | 'B'; full: Measured; cmn: Measured; fullWithDeprecated: Measured | null; cmnWithDeprecated: Measured | null }

const RELEASES = (sizes as { releases: Record<string, Release> }).releases;

export interface DefaultBundle {
  /** Which default list the configuration embeds; 'none' for DEFAULT_NONE, 'off' without the bundle. */
  list: 'FULL' | 'CMN' | 'none' | 'off';
  deprecated: boolean;
  certs: number;
  bytes: number;
  /** The release the figures were measured at ("v5.5.5"), the nearest the table has. */
  measuredAt: string;
}

/** The default bundle this configuration builds into the firmware, with its size. */
export function defaultBundleOf(config: ProjectConfig): DefaultBundle {
  const release = nearestRelease(config.idf);
  const measuredAt = release.tag;
  if (config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE') === false) return { list: 'off', deprecated: false, certs: 0, bytes: 0, measuredAt };
  if (config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE') === true) return { list: 'none', deprecated: false, certs: 0, bytes: 0, measuredAt };
  const list = config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN') === true ? 'CMN' : 'FULL';
  // The deprecated list exists from v5.3 (null in the table before): asked for earlier, it adds nothing.
  const withDeprecated = config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEPRECATED_LIST') === true
    ? (list === 'CMN' ? release.cmnWithDeprecated : release.fullWithDeprecated) : null;
  return { list, deprecated: withDeprecated !== null, ...(withDeprecated ?? (list === 'CMN' ? release.cmn : release.full)), measuredAt };
}

/** The FULL bundle of the release, for "compared with the default". */
export function fullBundleOf(config: ProjectConfig): Measured & { measuredAt: string } {
  const release = nearestRelease(config.idf);
  return { ...release.full, measuredAt: release.tag };
}

/** The newest measured release not newer than `idf`, else the oldest measured. */
function nearestRelease(idf: { major: number; minor: number }): Release {
  const keyed = Object.entries(RELEASES).map(([k, r]) => ({ v: k.split('.').map(Number), r })).sort((a, b) => a.v[0] - b.v[0] || a.v[1] - b.v[1]);
  const fit = keyed.filter((k) => k.v[0] < idf.major || (k.v[0] === idf.major && k.v[1] <= idf.minor)).at(-1) ?? keyed[0];
  return fit.r;
}
