// Reads the certificates a bundle is built from, in the order gen_crt_bundle.py reads them: inputs in
// the order given, blocks in file order; a folder contributes its *.pem and *.der files (the script
// lists them in directory order, which is arbitrary; here they are sorted by name so output is stable).
import { readdirSync, statSync } from 'node:fs';
import { readBytes } from '../project/read';
import path from 'node:path';
import type { CertInfo } from './certificate';
import { extractCertFile } from './certFile';

export interface InputCertificate {
  cert: CertInfo;
  /** Where it came from: "file.pem #2". */
  source: string;
}

export interface BundleInputs {
  certs: InputCertificate[];
  /** Blocks that were not used, and why; inputs that held nothing. */
  notes: string[];
}

export class BundleInputError extends Error {}

export async function readBundleInputs(inputs: readonly string[]): Promise<BundleInputs> {
  const out: BundleInputs = { certs: [], notes: [] };
  for (const input of inputs) {
    const stat = statOrThrow(input);
    if (stat.isDirectory()) {
      const files = readdirSync(input, { withFileTypes: true }).filter((f) => /\.(pem|der)$/.test(f.name) && !f.isDirectory()).map((f) => f.name).sort();
      if (!files.length) throw new BundleInputError(`${input}: no .pem or .der file in this folder (gen_crt_bundle.py stops with "No valid x509 certificates found")`);
      for (const f of files) await readFile(path.join(input, f), out);
    } else {
      await readFile(input, out);
    }
  }
  return out;
}

/** Bundle inputs are certificate files: nothing near this size is one. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

async function readFile(file: string, out: BundleInputs): Promise<void> {
  const read = readBytes(file, MAX_INPUT_BYTES);
  if ('error' in read) throw new BundleInputError(`${file}: ${read.error}`);
  const facts = await extractCertFile(read.bytes);
  if (facts.format === 'unknown') { out.notes.push(`${file}: neither PEM nor DER; skipped`); return; }
  let found = 0;
  facts.blocks.forEach((b, i) => {
    const where = facts.blocks.length > 1 ? `${file} #${i + 1}` : file;
    if (b.label !== 'CERTIFICATE') { out.notes.push(`${where}: a ${b.label} block, not a certificate; skipped`); return; }
    if (!b.cert) { out.notes.push(`${where}: ${b.problem?.message ?? b.certError ?? 'not a readable certificate'}; skipped`); return; }
    if (b.bundleSkip) out.notes.push(`${where}: taken, but gen_crt_bundle.py would skip it in this file: ${b.bundleSkip}`);
    out.certs.push({ cert: b.cert, source: where });
    found++;
  });
  if (!found) out.notes.push(`${file}: no certificate found`);
}

function statOrThrow(file: string) {
  try {
    return statSync(file);
  } catch (e) {
    throw new BundleInputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
  }
}
