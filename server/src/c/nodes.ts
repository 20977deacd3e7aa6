// Small walks over tree-sitter nodes shared by the extractor and its control-flow reading (c/flow.ts).
import type { Node } from 'web-tree-sitter';

export const namedChildren = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c);

/** The identifier a declarator declares, through pointer, array, init and C++ reference declarators. */
export function declaratorName(d: Node): Node | null {
  if (d.type === 'identifier') return d;
  const inner = d.childForFieldName('declarator') ?? (d.type === 'reference_declarator' ? d.namedChildren[0] : null);
  return inner ? declaratorName(inner) : null;
}

/** The statement or declaration a node belongs to (for fixes that add a line after it or remove it). */
export function statementOf(node: Node): Node {
  for (let n: Node | null = node; n; n = n.parent) {
    if (n.type === 'expression_statement' || n.type === 'declaration') return n;
    if (n.type === 'compound_statement' || n.type === 'function_definition') break;
  }
  return node;
}

/** The function definition around a node, if any. */
export function functionAround(node: Node): Node | null {
  let fn: Node | null = node.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  return fn;
}

/** Calls that print or log (ESP_LOGx, printf and friends): what they are given is output, not something parsed. */
export const PRINT_CALL = /^(ESP_(EARLY_|DRAM_)?LOG[EWIDV]|printf|fprintf|s?n?printf|puts|fputs|ets_printf|mbedtls_printf)$/;

/** The called function's name, for a call expression. */
export const calledName = (call: Node): string => call.childForFieldName('function')?.text ?? '';
