// What a PEM block or DER blob holds, decoded once at extraction time (cached with the file's facts):
// a certificate (and, offline, the known root that issued it) or a private key (never its bytes).
import { decodeCertificateSync, type CertInfo } from './certificate';
import type { PemBlock } from './pem';
import { describePrivateKey, isPrivateKeyLabel, type KeyInfo } from './privateKey';
import { deviceRejections, type DeviceRejection } from './deviceParse';
import { bytesEqual } from './names';
import { caName, findKnownIssuer, knownRootBySubject } from './trustStores';

export interface BlockContents {
  cert?: CertInfo;
  /** Why the certificate could not be decoded. */
  certError?: string;
  key?: KeyInfo;
  /** The private key's DER, kept only for the device's handshake in mutual TLS (never shown). */
  keyDer?: Uint8Array;
  /** The Mozilla root that signed this certificate, when it is one Node knows, and that root's SHA-256. */
  knownIssuer?: string;
  knownIssuerSha256?: string;
  /** A CA certificate that is not self-signed but carries a Mozilla root's name and key (a cross-signed
   *  root such as GTS Root R1 under GlobalSign): mbedTLS anchors on it exactly as on that root. */
  rootKeyOf?: string;
  /** The Mbed TLS versions that refuse this certificate or key, with the device's code (x509/deviceParse.ts);
   *  [] when both read it, absent when it was not judged. */
  device?: DeviceRejection[];
}

export async function readContents(label: string, der: Uint8Array | undefined, block?: PemBlock): Promise<BlockContents> {
  const contents = readContentsSync(label, der, block);
  const judged = der && (contents.cert || contents.certError) ? 'certificate' : der && contents.key && !encrypted(label, block) ? 'key' : undefined;
  const device = judged && der ? await deviceRejections(judged, der) : undefined;
  if (device) contents.device = device;
  const cert = contents.cert;
  if (!cert) return contents;
  const issuer = cert.role === 'root' ? undefined : await findKnownIssuer(cert);
  const root = cert.role === 'intermediate' ? await knownRootBySubject(cert.subject) : undefined;
  return { ...contents, cert, knownIssuer: issuer?.name, knownIssuerSha256: issuer?.root.sha256, rootKeyOf: root && bytesEqual(root.spki, cert.spki) ? caName(root) : undefined };
}

/** What a block holds, synchronously and without the offline root lookup (readContents adds it): also used
 *  for PEM text that only the project's configuration completes, read while the rules run. */
export function readContentsSync(label: string, der: Uint8Array | undefined, block?: PemBlock): BlockContents {
  if (isPrivateKeyLabel(label)) return { key: describePrivateKey(block ?? der!), ...(der ? { keyDer: der } : {}) };
  if (label === 'TRUSTED CERTIFICATE' || label === 'X509 CERTIFICATE') {
    return { certError: `mbedTLS reads only "-----BEGIN CERTIFICATE-----" blocks, not ${label}` };
  }
  if (label !== 'CERTIFICATE' || !der) return {};
  try {
    return { cert: decodeCertificateSync(der, block ? block.end - block.start : undefined) };
  } catch (e) {
    return { certError: e instanceof Error ? e.message : String(e) };
  }
}

/** A key that needs its password (PKCS#8 ENCRYPTED, or a legacy Proc-Type: 4,ENCRYPTED block): the password is not ours to read. */
function encrypted(label: string, block: PemBlock | undefined): boolean {
  return /ENCRYPTED/.test(label) || /ENCRYPTED/.test(block?.headers?.['Proc-Type'] ?? '');
}
