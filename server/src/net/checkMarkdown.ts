// The "Check Server Against Project" report as Markdown: the verdict first (the error the device would
// print, and why), then each step of the handshake, then the monitor lines to expect.
import type { DeviceCheck } from './deviceCheck';

const MARK = (ok: boolean | null) => (ok === true ? '✔' : ok === false ? '✖' : '•');

export function checkMarkdown(target: string, client: string | undefined, r: DeviceCheck): string {
  const lines = [`# ${target}: as the device would connect`, ''];
  if (client) lines.push(`For ${client}.`, '');
  if (r.ok) lines.push(`**The device would connect.**${r.protocol ? ` ${r.protocol}, ${r.suite}.` : ''}`);
  else if (r.expected) lines.push(`**The device would ${r.engine ? '' : 'most likely '}fail with \`${r.expected.code}\`** (${r.expected.name}): ${r.expected.reason}.`);
  else lines.push(`**Could not check:** ${r.error ?? 'unknown error'}.`);
  if (r.expected?.flags?.length) lines.push('', `Verify flags: ${r.expected.flags.map((f) => `\`${f}\``).join(', ')}.`);
  lines.push('', '## Steps', '');
  for (const s of r.steps) lines.push(`- ${MARK(s.ok)} **${s.step}**: ${escape(s.detail)}`);
  if (r.expected?.log.length) lines.push('', '## What the monitor would show', '', '```', ...r.expected.log, '```');
  const how = r.engine
    ? `Run by ${r.engine}, the library of the project's ESP-IDF, built to WebAssembly and set up from the project's sdkconfig and sources`
    : 'Modelled from the project\'s sdkconfig and sources';
  lines.push('', `_${how}; the server was contacted from this machine, so a firewall, DNS or proxy in the device's network can still differ._`);
  return lines.join('\n') + '\n';
}

/** Certificate names come from the server: keep them from being read as Markdown. */
function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
