// Parses a Mermaid file with Mermaid's own parser and prints the diagram type, or the
// parse error and exit code 1. Mermaid needs a DOM; jsdom provides one.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const text = readFileSync(process.argv[2], 'utf8');
try {
  const result = await mermaid.parse(text);
  console.log(result.diagramType);
} catch (e) {
  console.error(String(e?.message ?? e));
  process.exit(1);
}
