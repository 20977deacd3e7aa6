// embed-symbol-missing: C references `_binary_X_start/_end` but no component embeds a file whose
//   symbol is X (the link fails: undefined reference).
// embed-file-missing: a CMake embed names a file that does not exist (the build stops there).
// Symbols come from the basename only (shared/reference/embedding.md), so `certs/ca.pem` is `ca_pem`.
import path from 'node:path';
import { allHold } from '../c/conditions';
import type { EmbedFact } from '../project/embeds';
import { embedSymbol } from '../project/embeds';
import { ruleInfo } from './catalogue';
import type { FileFacts, Rule, RuleContext } from './context';
import type { Finding, Fix, TextEdit } from './finding';

/** Symbols ESP-IDF's own components embed (the certificate bundle is embedded by the mbedtls component). */
const IDF_SYMBOLS = new Set(['x509_crt_bundle']);

export const embedSymbolMissing: Rule = {
  id: 'embed-symbol-missing',
  run(ctx) {
    const embedded = new Set([
      ...ctx.files.flatMap((f) => [...(f.cmake?.embeds.map((e) => e.symbol) ?? []), ...(f.cmake?.generatedSymbols ?? [])]),
      ...(ctx.project?.build?.embeds.map((e) => e.symbol) ?? []),
    ]);
    // What the build may embed that we could not read: the link may well succeed, so no error. Read once, when needed.
    let unread: string[] | undefined;
    const out: Finding[] = [];
    for (const f of ctx.files) {
      const reported = new Set<string>();
      for (const ref of f.c?.binaryRefs ?? []) {
        if (embedded.has(ref.symbol) || IDF_SYMBOLS.has(ref.symbol) || reported.has(ref.symbol)) continue;
        if (allHold(ref.conditions, ctx.macros) === false) continue; // compiled out
        reported.add(ref.symbol);
        unread ??= unreadEmbeds(ctx);
        if (unread.length) {
          out.push({
            rule: 'embed-symbol-missing', severity: 'info', file: f.file, range: ref.range,
            message: `\`_binary_${ref.symbol}_${ref.edge}\` is referenced, and no embed we could read gives that symbol. Part of the build could not be read (${unread.slice(0, 2).join('; ')}${unread.length > 2 ? '; …' : ''}): it may be embedded there.`,
          });
          continue;
        }
        const candidate = ctx.project?.files.find((p) => embedSymbol(p) === ref.symbol);
        out.push({
          rule: 'embed-symbol-missing',
          severity: ruleInfo('embed-symbol-missing')!.severity,
          file: f.file,
          range: ref.range,
          message: `\`_binary_${ref.symbol}_${ref.edge}\` is referenced, but no component embeds a file whose name gives that symbol`
            + `${candidate ? ` (${relative(ctx, candidate)} would)` : ''}: linking fails with "undefined reference to \`_binary_${ref.symbol}_${ref.edge}\`". `
            + 'Add the file to EMBED_TXTFILES of the component that uses it (TEXT, so a PEM gets the NUL byte mbedTLS needs).',
          fixes: candidate ? addEmbedFix(ctx, f, candidate) : undefined,
        });
      }
    }
    return out;
  },
};

export const embedFileMissing: Rule = {
  id: 'embed-file-missing',
  run(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.files) {
      for (const e of f.cmake?.embeds ?? []) {
        if (!e.file || ctx.exists(e.file)) continue;
        const sameName = ctx.project?.files.find((p) => path.basename(p) === path.basename(e.file!));
        // An embed the build may not make (an if() the configuration leaves open, the Make build beside CMake): an info.
        const where = e.maybe ? (e.via === 'component.mk' ? 'the GNU Make build stops here (the CMake build does not read component.mk)' : 'a build that takes this if() branch stops here') : 'the build stops here';
        out.push({
          rule: 'embed-file-missing',
          severity: e.maybe ? 'info' : ruleInfo('embed-file-missing')!.severity,
          file: f.file,
          range: e.range,
          message: `${e.via} names \`${e.written}\`, which does not exist. ${relative(ctx, e.file)} is missing: ${where}`
            + `${sameName ? `. A file of that name is at ${relative(ctx, sameName)}.` : '.'}`,
          fixes: sameName ? [replacePathFix(f.file, e, sameName)] : undefined,
        });
      }
    }
    return out;
  },
};

/** Parts of the build whose embeds could not be read: unknown file names, unnamed generated binaries, unread
 * component folders. ESP-IDF's own components (from $IDF_PATH) are not read either: they embed nothing of the user's. */
function unreadEmbeds(ctx: RuleContext): string[] {
  if (!ctx.project) return ['the file is outside any ESP-IDF project'];
  const out = [...(ctx.project.unknowns ?? [])];
  for (const f of ctx.files) {
    for (const u of f.cmake?.unknownEmbeds ?? []) out.push(`${relative(ctx, f.file)} embeds ${u.written}`);
    if (f.cmake?.generatedSymbols?.includes('*')) out.push(`${relative(ctx, f.file)} embeds a generated binary`);
    if (f.cmake && !f.cmake.sources?.complete && f.cmake.notes?.length) out.push(`${relative(ctx, f.file)}: ${f.cmake.notes[0]}`);
  }
  return out;
}

/** Adds the file to EMBED_TXTFILES of the component whose directory holds the C file. */
function addEmbedFix(ctx: RuleContext, cFile: FileFacts, candidate: string): Fix[] {
  const e = embedTxtEdit(ctx, cFile.file, candidate);
  return e ? [{ title: `Embed ${e.rel} with EMBED_TXTFILES in ${relative(ctx, e.cmakeFile)}`, preferred: true, edits: [{ file: e.cmakeFile, edits: [e.edit] }] }] : [];
}

/** The edit that adds `target` to EMBED_TXTFILES of the component (innermost CMakeLists.txt with
 * idf_component_register) holding `cFile`: appended after the keyword, or a new keyword line. */
export function embedTxtEdit(ctx: RuleContext, cFile: string, target: string): { cmakeFile: string; rel: string; edit: TextEdit } | undefined {
  const cmake = ctx.files
    .filter((f) => f.cmake?.register && !path.relative(path.dirname(f.file), cFile).startsWith('..'))
    .sort((a, b) => b.file.length - a.file.length)[0];
  const reg = cmake?.cmake?.register;
  if (!cmake || !reg) return undefined;
  const rel = path.relative(path.dirname(cmake.file), target).split(path.sep).join('/');
  const edit = reg.embedTxtKeywordEnd
    ? { range: { start: reg.embedTxtKeywordEnd, end: reg.embedTxtKeywordEnd }, newText: ` "${rel}"` }
    : { range: { start: reg.close, end: reg.close }, newText: `\n${reg.indent}EMBED_TXTFILES "${rel}"` };
  return { cmakeFile: cmake.file, rel, edit };
}

function replacePathFix(cmakeFile: string, e: EmbedFact, actual: string): Fix {
  const rel = path.relative(path.dirname(cmakeFile), actual).split(path.sep).join('/');
  return { title: `Use ${rel}`, preferred: true, edits: [{ file: cmakeFile, edits: [{ range: e.range, newText: rel }] }] };
}

const relative = (ctx: RuleContext, file: string) =>
  (ctx.project ? path.relative(ctx.project.root, file) : file).split(path.sep).join('/');
