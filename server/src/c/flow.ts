// What runs when, read from the syntax tree for the extractor's facts: the run-time conditions a statement
// sits under, whether a failed verification result stops anything, and the function around a node (its
// name and parameters: a value read from a parameter is its caller's choice).
import type { Node } from 'web-tree-sitter';
import type { Guard } from './facts';
import { calledName, declaratorName, functionAround, namedChildren, PRINT_CALL, statementOf } from './nodes';

/** The conditions of the `if` statements a node runs under (not the ones it is the condition of), as
 *  written (`source` is the file's text) without their parentheses; an `else` branch reads as `!(cond)`,
 *  a C++ lambda or a `case` as words. Absent when there are none. */
export function guardsOf(source: string, node: Node): { guards?: Guard[] } {
  const guards: Guard[] = [];
  for (let child = node, n = node.parent; n && n.type !== 'function_definition'; child = n, n = n.parent) {
    // A C++ lambda runs only when something calls it (std::visit picks one of several), a `case` only for its value.
    if (n.type === 'lambda_expression') guards.push({ words: 'the lambda around it runs' });
    if (n.type === 'case_statement') guards.push({ words: n.childForFieldName('value') ? `the switch is at case ${n.childForFieldName('value')!.text}` : 'the switch takes its default' });
    if (n.type !== 'if_statement') continue;
    const cond = n.childForFieldName('condition');
    if (!cond || child.id === cond.id) continue;
    const text = source.slice(cond.startIndex, cond.endIndex).replace(/^\(\s*|\s*\)$/g, '').replace(/\s+/g, ' ');
    guards.push({ code: n.childForFieldName('alternative')?.id === child.id ? `!(${text})` : text });
  }
  return guards.length ? { guards } : {};
}

/** Calls that only report (printing, formatting the verify info, clearing the buffer for it): a branch made of
 *  these changes nothing about the connection. */
const reports = (name: string) => PRINT_CALL.test(name) || /^(mbedtls_x509_crt_verify_info|bzero|memset)$/.test(name);

/** Whether a failed verification result stops anything: the branch of the `if` that tests it for failure
 *  (inline `if ((flags = f(...)) != 0)`, or `x = f(...); if (x != 0)` right after) holds more than reporting.
 *  A result returned, passed on or tested further away counts as acted on (we cannot tell). */
export function resultUseOf(call: Node, assignedTo: string | undefined): 'logged-only' | 'acted-on' {
  const check = checkingIf(call, assignedTo);
  if (!check) return 'acted-on';
  const cond = check.childForFieldName('condition')!.text.replace(/\s+/g, '');
  const failureInElse = /==0\)*$/.test(cond) || /^\(*!/.test(cond);
  const branch = failureInElse ? check.childForFieldName('alternative')?.namedChildren[0] : check.childForFieldName('consequence');
  return !branch || onlyReports(branch) ? 'logged-only' : 'acted-on';
}

function checkingIf(call: Node, assignedTo: string | undefined): Node | undefined {
  for (let child = call, n = call.parent; n && n.type !== 'compound_statement'; child = n, n = n.parent) {
    if (n.type === 'if_statement') return n.childForFieldName('condition')?.id === child.id ? n : undefined;
  }
  // `x = f(...);` then the next statement tests x.
  const next = statementOf(call).nextNamedSibling;
  const name = assignedTo?.replace(/[^\w]/g, '\\W*');
  return next?.type === 'if_statement' && name && new RegExp(`\\b${name}\\b`).test(next.childForFieldName('condition')?.text ?? '') ? next : undefined;
}

function onlyReports(branch: Node): boolean {
  const statements = branch.type === 'compound_statement' ? namedChildren(branch).filter((n) => n.type !== 'comment') : [branch];
  return statements.every((st) => {
    const e = st.type === 'expression_statement' ? st.namedChildren[0] : null;
    return e?.type === 'call_expression' && reports(calledName(e));
  });
}

/** The parameter names of the function around a node. */
export function parametersOf(node: Node): string[] {
  const list = functionAround(node)?.childForFieldName('declarator')?.childForFieldName('parameters');
  return list ? namedChildren(list).map((p) => p.childForFieldName('declarator')).map((d) => d && declaratorName(d)?.text).filter((n): n is string => !!n) : [];
}

/** The name and parameter names of the function around a node (`start_client(const char *url)`). */
export function functionOf(node: Node): { function?: { name: string; parameters: string[] } } {
  const declarator = functionAround(node)?.childForFieldName('declarator');
  const name = declarator?.type === 'function_declarator' ? declarator.childForFieldName('declarator')?.text : undefined;
  return name && declarator ? { function: { name, parameters: parametersOf(node) } } : {};
}
