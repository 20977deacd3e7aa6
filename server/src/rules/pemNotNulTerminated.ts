// pem-not-nul-terminated: mbedTLS reads a buffer as PEM only when its last counted byte is the NUL
// (mbedtls_x509_crt_parse, mbedtls_pk_parse_key; shared/reference/embedding.md). Otherwise it parses
// DER and fails: -0x2180 (X509_INVALID_FORMAT) for a CA or certificate, -0x3D00 for a key.
//   - a PEM file embedded with EMBED_FILES / BINARY has no NUL at all;
//   - a length of `end - start - 1`, or `sizeof(x) - 1`, drops the NUL EMBED_TXTFILES / the literal has;
//   - `strlen(x)` where the API takes the length as is (esp-tls *_bytes, or a non-zero cert_len).
import path from 'node:path';
import type { EmbedFact } from '../project/embeds';
import { ruleInfo } from './catalogue';
import { firmwareSites, parsedSites, sitesOfExpression } from './certSites';
import { tlsClients, type Setting } from './clients';
import type { FileFacts, Rule, RuleContext } from './context';
import type { Finding, Fix } from './finding';
import type { Role } from './tlsApis';

const ID = 'pem-not-nul-terminated';
const LENGTH_OF: Partial<Record<Role, Role>> = { caLength: 'ca', clientCertLength: 'clientCert', clientKeyLength: 'clientKey' };

export const pemNotNulTerminated: Rule = {
  id: ID,
  run(ctx) {
    return [...binaryEmbeddedPem(ctx), ...lengthsDroppingNul(ctx)];
  },
};

/** PEM files embedded without the NUL; the fix switches the embed to text. */
function binaryEmbeddedPem(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const parsed = parsedSites(ctx);
  for (const site of firmwareSites(ctx)) {
    if (site.origin !== 'file') continue;
    for (const { embed, cmakeFile } of site.embeds) {
      const key = `${cmakeFile}:${embed.written}`;
      if (embed.mode !== 'binary' || seen.has(key)) continue;
      const file = ctx.files.find((f) => f.file === site.file)?.certFile;
      if (file?.format !== 'pem') continue;
      seen.add(key);
      const isKey = file.blocks.some((b) => b.key);
      // Only a buffer mbedTLS parses as it is fails; code that copies it first (to NVS, into a zeroed buffer) may add the NUL.
      const direct = firmwareSites(ctx).some((s) => s.file === site.file && parsed.has(s));
      out.push({
        rule: ID,
        // An embed the build may not make (an undecided if(), the Make build beside CMake) is not an error.
        severity: embed.maybe || !direct ? 'info' : ruleInfo(ID)!.severity,
        file: cmakeFile,
        range: embed.range,
        message: `${path.basename(site.file)} is PEM text embedded with ${embed.via === 'target_add_binary_data' ? 'BINARY' : embed.via}, so it gets no NUL byte. `
          + `mbedTLS then reads it as DER and fails (${isKey ? '-0x3D00 MBEDTLS_ERR_PK_KEY_INVALID_FORMAT' : '-0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT'}). Embed PEM with EMBED_TXTFILES (or TEXT).`
          + (direct ? '' : ' No TLS setting here takes it as it is: if the code copies it and adds the NUL itself, it works.'),
        fixes: textEmbedFix(cmakeFile, embed),
      });
    }
  }
  return out;
}

function textEmbedFix(cmakeFile: string, embed: EmbedFact): Fix[] {
  const title = 'Embed it as text (EMBED_TXTFILES), which appends the NUL';
  if (embed.via === 'target_add_binary_data') return [{ title, preferred: true, edits: [{ file: cmakeFile, edits: [{ range: embed.modeRange, newText: 'TEXT' }] }] }];
  if (embed.listSize === 1) {
    const keyword = embed.via === 'COMPONENT_EMBED_FILES' || embed.via === 'component.mk' ? 'COMPONENT_EMBED_TXTFILES' : 'EMBED_TXTFILES';
    return [{ title, preferred: true, edits: [{ file: cmakeFile, edits: [{ range: embed.modeRange, newText: keyword }] }] }];
  }
  // A legacy set() list, or a list written through a variable: moving one file needs a second list, left to the user.
  if (embed.via === 'COMPONENT_EMBED_FILES' || embed.via === 'component.mk' || embed.fromVariable) return [];
  // Several files in the EMBED_FILES list: move this one to its own EMBED_TXTFILES right before it.
  return [{ title, preferred: true, edits: [{ file: cmakeFile, edits: [{ range: embed.modeRange, newText: `EMBED_TXTFILES "${embed.written}" EMBED_FILES` }, { range: embed.tokenRange, newText: '' }] }] }];
}

/** Length settings that leave the NUL out of a PEM buffer. */
function lengthsDroppingNul(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const files = new Map(ctx.files.map((f) => [f.file, f]));
  for (const client of tlsClients(ctx)) {
    for (const len of client.settings) {
      const bufferRole = len.role && LENGTH_OF[len.role];
      if (!bufferRole) continue;
      const buffer = client.settings.find((s) => s.role === bufferRole);
      if (!buffer) continue;
      const problem = nulProblem(ctx, files.get(client.file)!, client.api.struct, len, buffer);
      if (problem) out.push({ rule: ID, severity: ruleInfo(ID)!.severity, file: client.file, range: len.range, message: problem.message, fixes: problem.fix ? [{ ...problem.fix, edits: [{ file: client.file, edits: problem.fix.edits }] }] : undefined });
    }
  }
  return out;
}

interface Problem { message: string; fix?: { title: string; preferred: boolean; edits: Fix['edits'][number]['edits'] } }

function nulProblem(ctx: RuleContext, file: FileFacts, struct: string, len: Setting, buffer: Setting): Problem | undefined {
  const v = len.value.replace(/\s+/g, ' ').trim();
  const isPem = sitesOfExpression(ctx, file, buffer.value, buffer.valueRange).some((s) => s.origin === 'literal' || ctx.files.find((f) => f.file === s.file)?.certFile?.format === 'pem');
  const minusOne = /^(.*\S)\s*-\s*1$/.exec(v);
  if (minusOne && isPem && (/_end\b.*-.*_start\b/.test(minusOne[1]) || /^sizeof\b/.test(minusOne[1]))) {
    return {
      message: `${len.path} = ${v} leaves out the NUL byte that ends the PEM text, so mbedTLS reads it as DER and fails (-0x2180 for a certificate, -0x3D00 for a key). Count the NUL.`,
      fix: { title: 'Count the NUL byte (drop the "- 1")', preferred: true, edits: [{ range: len.valueRange, newText: minusOne[1] }] },
    };
  }
  // A bare strlen(...) only; `strlen(x) + 1` already counts the NUL. Unresolved buffers are most likely PEM text.
  const buffered = sitesOfExpression(ctx, file, buffer.value, buffer.valueRange);
  if (/^strlen\s*\([^()]*\)$/.test(v) && (isPem || !buffered.length)) {
    const espTls = struct === 'esp_tls_cfg_t';
    return {
      message: `${len.path} = ${v} does not count the NUL byte: ${espTls ? 'esp-tls hands the length to mbedTLS as is' : `a non-zero ${len.path} makes ${struct.replace(/_config_t$/, '')} use the length as is`}, so the PEM is read as DER and fails (-0x2180 / -0x3D00).`,
      fix: espTls
        ? { title: 'Count the NUL byte (strlen(...) + 1)', preferred: true, edits: [{ range: len.valueRange, newText: `${v} + 1` }] }
        : { title: `Remove ${len.path}: with 0 the client measures the PEM itself, NUL included`, preferred: true, edits: [{ range: len.removal, newText: '' }] },
    };
  }
  return undefined;
}
