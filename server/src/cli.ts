// esp-tls-lens: the command-line twin of the extension. Same analyzer, same findings (DESIGN.md §3).
// Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or unreadable input.
import { statSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from './analyzer';
import { formatJson, formatText, printable, sortFindings } from './report/format';
import { formatSarif } from './report/sarif';
import { ruleInfo } from './rules/catalogue';
import { severityRank, type Finding, type Severity, type SeverityOrOff } from './rules/finding';
import { defaultSettings } from './settings';
import { inspectBytes, inspectedJson, inspectedText } from './x509/inspect';
import { decodeCode, type DecodedCode } from './mbedtls/decode';
import { DEFAULT_BUNDLE_MAX_CERTS, bundleLayout, cArrayText, espBundle, pemBundleText, sortedUnique } from './x509/bundle';
import { BundleInputError, readBundleInputs } from './x509/bundleInputs';
import { assumedIdfVersion, parseIdfVersion } from './project/idfVersion';
import { useBundledWorker } from './c/extractPool';
import { checkedIdfVersion, existsOrNot, oneOf, parseCommand, parseNow, readOrThrow, UsageError, writeOut } from './cli/args';
import { chainCommand } from './cli/chain';
import { checkServerCommand } from './cli/checkServer';

const VERSION = '0.1.0';
useBundledWorker();

const USAGE = `usage: esp-tls-lens <command> [options]

commands:
  check [PATH...]   analyse ESP-IDF projects (default: the current directory); - reads a monitor log
                    from standard input (its TLS failures explained with the current folder's project)
      --format text|json|sarif     output format (default text)
      --now ISO-8601               the time certificate checks compare against (default: now)
      --idf-version X.Y[.Z]        the ESP-IDF version, when the project does not say
  -B, --build-dir DIR              the build folder (default: each project's build/)
      --rule ID=off|hint|info|warning|error   change a rule's severity (repeatable)
      --fail-on error|warning|info|never      exit 1 when a finding is at or above this (default error)

  inspect FILE|-     what a PEM (one or many blocks), DER or C file holds: subject, issuer,
                     validity, role, key, signature, SHA-256, size; private keys without their content;
                     an ESP-IDF x509_crt_bundle (either layout): count, layout, size, each subject and key
      --json                       one JSON object per block
      --now ISO-8601               the time validity is counted from (default: now)

  decode CODE...     what an mbedTLS error (-0x2700, -9984, 9984 as ESP-TLS stores it, 262E, -0x262E
                     composite), ESP-TLS esp_err_t (0x801A), PSA status (-141, 0xffffff73, PSA_ERROR_*) or
                     MBEDTLS_ERR_/ESP_ERR_ name means, and what to do;
                     flags=0x8 or MBEDTLS_X509_BADCERT_* decodes an X.509 verify-flag mask
      --idf-version X.Y            v4.x uses Mbed TLS 2.28, v5.x 3.6 (default: both, when they differ)
      --flags MASK                 the X.509 verify flags that came with -0x2700
      --hex                        read bare digits (2700) as hexadecimal
      --json                       a JSON array, one object per code and Mbed TLS version

  chain HOST[:PORT]  the certificate chain a TLS server presents, exactly as sent (TLS 1.2 handshake
                     read byte by byte; TLS 1.3-only servers through Mbed TLS's own handshake), checked like SSL Labs:
                     order, missing intermediates, root sent, anchor (Mozilla roots, ESP-IDF CMN bundle),
                     expiry, SHA-1, weak keys, host name. HOST may be [::1]:8443 or host:port (default 443)
      --servername N               SNI name (default: HOST unless it is an IP address)
      --timeout MS                 give up after this long (default 10000)
      --json                       the DESIGN contract: { host, port, servername, protocol, presented, anchor, problems }
      --save-root F                write the anchor (PEM) to F; never overwrites
      --save-chain F               write the presented chain (PEM, as sent) to F; never overwrites
      --ca F                       also trust the roots in this PEM file (a private CA)
      --now ISO-8601               the time validity is checked against (default: now)
      --idf-version X.Y            the ESP-IDF release whose CMN bundle is checked (default: newest known)
    exit 0 when the chain reaches a trusted root with no error, 1 otherwise

  check-server HOST[:PORT] [PROJECT]
                     connect as the device would: the project's Mbed TLS (3.6 for ESP-IDF v5, 2.28 for v4.4, built
                     to WebAssembly) with its sdkconfig's versions, suites, groups and buffer size, its TLS client's
                     trust (CA buffer, bundle or global store) and host name; prints the return code and verify
                     flags the device would log, the monitor lines and why. PROJECT defaults to the current folder
      --client FILE:LINE           the TLS client config to use (default: the one naming HOST, or the only one)
      --timeout MS                 give up after this long (default 10000)
      --json                       { ok, expected: { code, name, flags, log, reason }, steps, protocol, suite }
      --now ISO-8601               the device's clock (default: now)
      --idf-version X.Y            the ESP-IDF version, when the project does not say
    exit 0 when the device would connect, 1 when it would fail

  bundle INPUT...    trust anchors in the form ESP-IDF takes them. INPUT: PEM files (one or many blocks),
                     DER files, or folders (their *.pem and *.der, as gen_crt_bundle.py reads a folder)
      --format esp-bundle|pem|c-array
                     esp-bundle: the binary x509_crt_bundle, byte for byte what ESP-IDF's gen_crt_bundle.py
                       writes (layout of --idf-version: v4.4-v5.3 count header, v5.4+ offset table),
                       for esp_crt_bundle_set(); pem: one file, sorted, duplicates dropped, a comment line
                       naming subject and expiry above each block (cacert_pem_buf, or a custom bundle's
                       input); c-array: const char NAME[] = "...\n" ... for certificates kept in source
      -o OUT                       the file to write (- for standard output); never overwrites one
      --force                      overwrite OUT if it exists
      --idf-version X.Y            the ESP-IDF release the bundle is for (default: newest known, v5.4+ layout)
      --name NAME                  the C array's name (default: ca_certs_pem)
      --max-certs N                CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS (default 200): more is refused,
                                   as the device refuses such a bundle

exit codes: 2 for a usage error, unreadable input or a network error (one line on stderr); otherwise
  check: 0 nothing at or above --fail-on, 1 findings at or above it; chain: 0 trusted, 1 not;
  check-server: 0 connects, 1 fails;
  decode, inspect and bundle: 0`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) { process.stderr.write(USAGE + '\n'); return 2; }
  if (command === '--help' || command === '-h' || command === 'help') { process.stdout.write(USAGE + '\n'); return 0; }
  if (command === '--version') { process.stdout.write(VERSION + '\n'); return 0; }
  if (command === 'check') return check(rest);
  if (command === 'inspect') return inspect(rest);
  if (command === 'decode') return decode(rest);
  if (command === 'chain') return chainCommand(rest);
  if (command === 'check-server') return checkServerCommand(rest);
  if (command === 'bundle') return bundleCommand(rest);
  throw new UsageError(`unknown command '${command}' (try: esp-tls-lens --help)`);
}

interface CheckOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  now: Date;
  idfVersion: string;
  rules: Record<string, SeverityOrOff>;
  failOn: Severity | 'never';
  buildDir?: string;
}

function parseCheck(args: string[]): CheckOptions {
  const parsed = parseCommand({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        now: { type: 'string' },
        'idf-version': { type: 'string', default: '' },
        rule: { type: 'string', multiple: true, default: [] },
        'fail-on': { type: 'string', default: 'error' },
        'build-dir': { type: 'string', short: 'B' },
      },
    });
  const v = parsed.values;
  const format = oneOf(v.format!, ['text', 'json', 'sarif'] as const, '--format');
  const failOn = oneOf(v['fail-on']!, ['error', 'warning', 'info', 'hint', 'never'] as const, '--fail-on');
  const now = parseNow(v.now);
  const idfVersion = checkedIdfVersion(v['idf-version']!);
  const buildDir = v['build-dir'] ? path.resolve(v['build-dir'] as string) : undefined;
  return { paths: parsed.positionals, format, now, idfVersion: idfVersion.replace(/^v/, ''), rules: parseRules(v.rule as string[]), failOn, buildDir };
}

function parseRules(specs: string[]): Record<string, SeverityOrOff> {
  const out: Record<string, SeverityOrOff> = {};
  for (const spec of specs) {
    const [id, sev] = spec.split('=');
    if (!ruleInfo(id)) throw new UsageError(`--rule: unknown rule '${id}'`);
    out[id] = oneOf(sev ?? '', ['off', 'hint', 'info', 'warning', 'error'] as const, `--rule ${id}`);
  }
  return out;
}

async function check(args: string[]): Promise<number> {
  const opts = parseCheck(args);
  // `-`: a monitor log on standard input (`idf.py monitor | tee` or a pasted excerpt), read as `stdin.log` of
  // the current folder, so the project there adds its evidence.
  const fromStdin = opts.paths.includes('-');
  const stdinLog = path.resolve('stdin.log');
  const paths = opts.paths.filter((p) => p !== '-');
  const targets = (paths.length ? paths : ['.']).map((p) => path.resolve(p));
  const onlyFiles = new Set<string>();
  const roots = targets.map((t) => {
    const stat = statOrThrow(t);
    if (stat.isDirectory()) return t;
    onlyFiles.add(t);
    return path.dirname(t);
  });

  const analyzer = new Analyzer({
    settings: { ...defaultSettings, idfVersion: opts.idfVersion, rules: opts.rules },
    now: () => opts.now,
    buildDir: opts.buildDir,
  });
  await analyzer.index(roots);
  // A file named on the command line is analysed even outside any project.
  for (const f of onlyFiles) await analyzer.fileChanged(f);
  if (fromStdin) {
    await analyzer.setOverlay(stdinLog, (await readStdin()).toString('utf8'));
    onlyFiles.add(stdinLog);
  }

  let findings = [...analyzer.findings().values()].flat();
  const onlyNamed = fromStdin ? !paths.length : onlyFiles.size === targets.length;
  if (onlyFiles.size && onlyNamed) findings = findings.filter((f) => onlyFiles.has(f.file));
  sortFindings(findings);
  const skipped = analyzer.skippedFiles();
  for (const s of skipped) process.stderr.write(`esp-tls-lens: skipped ${printable(path.relative(process.cwd(), s.file))}: ${s.reason}\n`);
  for (const p of analyzer.allProjects()) {
    if (p.build?.stale) process.stderr.write(`esp-tls-lens: ${path.relative(process.cwd(), p.root) || '.'}: build folder used, though ${p.build.stale}\n`);
  }

  const base = process.cwd();
  const out = opts.format === 'sarif' ? formatSarif(findings, base, VERSION)
    : opts.format === 'json' ? formatJson(findings, base, analyzer.allProjects())
    : formatText(findings, base);
  process.stdout.write(out);
  // A file the user named, or a project's top CMakeLists.txt, that cannot be read leaves the check incomplete.
  const unread = skipped.find((s) => /^unreadable/.test(s.reason) && (onlyFiles.has(s.file) || isTopCMakeLists(s.file, targets)));
  if (unread) { process.stderr.write(`esp-tls-lens: could not read ${printable(path.relative(process.cwd(), unread.file))}; the check is incomplete\n`); return 2; }
  return failing(findings, opts.failOn) ? 1 : 0;
}

const isTopCMakeLists = (file: string, roots: string[]) => path.basename(file) === 'CMakeLists.txt' && roots.includes(path.dirname(file));

async function inspect(args: string[]): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, now: { type: 'string' } } });
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length) throw new UsageError('inspect takes one FILE, or - for standard input');
  const now = parseNow(parsed.values.now);
  const bytes = target === '-' ? await readStdin() : readOrThrow(target);
  const items = await inspectBytes(bytes, target === '-' ? '' : target);
  process.stdout.write(parsed.values.json ? JSON.stringify(inspectedJson(items), null, 2) + '\n' : inspectedText(items, now));
  return items.length ? 0 : 2;
}

async function decode(args: string[]): Promise<number> {
  const parsed = parseCommand({
      // Codes start with '-' (-0x2700): a bare negative number is a code, not an option.
      args: args.map((a) => (/^-(0x)?[0-9a-f]+$/i.test(a) ? `\u0000${a}` : a)),
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        hex: { type: 'boolean', default: false },
        'idf-version': { type: 'string', default: '' },
        flags: { type: 'string' },
      },
    });
  const v = parsed.values;
  const codes = parsed.positionals.map((p) => p.replace(/^\u0000/, ''));
  if (!codes.length) throw new UsageError('decode takes at least one CODE (e.g. -0x2700, 0x801A, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)');
  const idfVersion = checkedIdfVersion(v['idf-version']!);
  let flags: number | undefined;
  if (v.flags !== undefined) {
    const m = /^(0x)?([0-9a-f]+)$/i.exec(v.flags);
    if (!m || (!m[1] && !/^\d+$/.test(m[2]))) throw new UsageError(`--flags: '${v.flags}' is not a number (0x8 or 8)`);
    flags = parseInt(m[2], m[1] ? 16 : 10);
    if (!Number.isSafeInteger(flags) || flags > 0xffffffff) throw new UsageError(`--flags: '${v.flags}' is more than 32 bits (the verify flags are a 32-bit mask)`);
  }
  const results: DecodedCode[] = [];
  for (const code of codes) {
    const r = decodeCode(code, { idfVersion, hex: v.hex, flags });
    if (!r.ok) throw new UsageError(`decode: ${r.error}`);
    results.push(...r.results);
  }
  process.stdout.write(v.json ? JSON.stringify(results.map(decodedJson), null, 2) + '\n' : results.map(decodedText).join('\n'));
  return 0;
}

function decodedJson(r: DecodedCode) {
  // The DESIGN.md §3 contract first, then what this version adds.
  const { input, value, mbedtls, strerror, parts, esp, flags, explanation, hints, kind, versions, notes } = r;
  return { input, value, mbedtls, strerror, parts, esp, flags, explanation, hints, kind, versions, notes };
}

function decodedText(r: DecodedCode): string {
  const lines: string[] = [];
  const where = r.versions.length > 1 ? `Mbed TLS ${r.versions.join(' and ')}` : `Mbed TLS ${r.mbedtls}`;
  if (r.kind === 'mbedtls') {
    lines.push(`${r.value}  (${where}; input ${r.input.trim()})`);
    lines.push(`  strerror: ${r.strerror}`);
    for (const p of r.parts) lines.push(`  ${p.level === 'high' ? 'high' : 'low '} ${p.value}  ${p.name || '(unknown)'}${p.module ? ` [${p.module}]` : ''}`);
  } else if (r.kind === 'esp') {
    lines.push(`${r.value}  ${r.esp?.name ?? '(unknown ESP-TLS code)'}  (esp_err_t; input ${r.input.trim()})`);
  } else if (r.kind === 'psa') {
    lines.push(`${r.value}  ${r.strerror?.split(':')[0]}  (PSA status; input ${r.input.trim()})`);
  } else {
    lines.push(`verify flags ${r.value}  (input ${r.input.trim()})`);
  }
  if (r.flags) for (const f of r.flags) lines.push(`  flag ${f.value}  ${f.name || '(unknown bit)'}: ${f.text}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(...wrap(r.explanation, '  '));
  for (const h of r.hints) lines.push(`  - ${h.text}${h.rule ? ` [${h.rule}]` : ''}${h.command && !h.text.includes(h.command) ? `\n      $ ${h.command}` : ''}`);
  return lines.join('\n') + '\n';
}

function wrap(text: string, indent: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) { out.push(indent + line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

async function bundleCommand(args: string[]): Promise<number> {
  const parsed = parseCommand({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        force: { type: 'boolean', default: false },
        'idf-version': { type: 'string', default: '' },
        name: { type: 'string', default: 'ca_certs_pem' },
        'max-certs': { type: 'string', default: String(DEFAULT_BUNDLE_MAX_CERTS) },
      },
    });
  const v = parsed.values;
  if (!parsed.positionals.length) throw new UsageError('bundle takes at least one INPUT (a PEM or DER file, or a folder of them)');
  if (!v.format) throw new UsageError('bundle: --format esp-bundle|pem|c-array is required');
  const format = oneOf(v.format, ['esp-bundle', 'pem', 'c-array'] as const, '--format');
  const out = v.output;
  if (!out) throw new UsageError('bundle: -o OUT is required (- for standard output)');
  const idfText = checkedIdfVersion(v['idf-version']!);
  const idf = idfText ? parseIdfVersion(idfText) : undefined;
  if (!/^\d+$/.test(v['max-certs']!)) throw new UsageError(`--max-certs: '${v['max-certs']}' is not a number`);
  if (out !== '-' && !v.force && existsOrNot(out)) throw new UsageError(`${out} already exists; not overwriting it (--force to replace it)`);

  let inputs;
  try {
    inputs = await readBundleInputs(parsed.positionals);
  } catch (e) {
    if (e instanceof BundleInputError) throw new UsageError(e.message);
    throw e;
  }
  for (const n of inputs.notes) process.stderr.write(`esp-tls-lens: ${n}\n`);
  const { kept, duplicates } = sortedUnique(inputs.certs);
  for (const d of duplicates) process.stderr.write(`esp-tls-lens: ${d.source}: the same certificate as an earlier input; stored once\n`);
  if (!kept.length) throw new UsageError('bundle: no certificate in the inputs; nothing written');

  let bytes: Uint8Array;
  let what: string;
  if (format === 'esp-bundle') {
    if (kept.length > Number(v['max-certs'])) throw new UsageError(`bundle: ${kept.length} certificates exceed --max-certs ${v['max-certs']} (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS): the device would refuse the bundle`);
    const layout = bundleLayout(idf ?? assumedIdfVersion);
    // Input order, not sorted order: gen_crt_bundle.py's sort is stable, so equal subjects keep it.
    const unique = inputs.certs.filter((c) => !duplicates.includes(c));
    bytes = espBundle(unique.map((c) => c.cert), layout);
    what = `ESP x509 certificate bundle, layout ${layout} (${layout === 'A' ? 'ESP-IDF v4.4 to v5.3' : 'ESP-IDF v5.4 and later'}${idf ? '' : '; --idf-version not given'})`;
  } else if (format === 'pem') {
    bytes = Buffer.from(pemBundleText(kept));
    what = 'PEM';
  } else {
    try { bytes = Buffer.from(cArrayText(kept, v.name!)); } catch (e) { throw new UsageError(`--name: ${(e as Error).message}`); }
    what = `C array ${v.name}[] (sizeof counts the NUL mbedTLS needs)`;
  }
  if (out === '-') process.stdout.write(bytes);
  else writeOut(out, bytes, !!v.force);
  process.stderr.write(`esp-tls-lens: ${out === '-' ? 'wrote' : `wrote ${out}:`} ${kept.length} certificate(s), ${bytes.length} bytes, ${what}\n`);
  return 0;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function failing(findings: Finding[], failOn: CheckOptions['failOn']): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => severityRank[f.severity] >= severityRank[failOn]);
}

function statOrThrow(p: string) {
  try {
    return statSync(p);
  } catch (e) {
    throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

// `esp-tls-lens ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`esp-tls-lens: ${e instanceof UsageError ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
