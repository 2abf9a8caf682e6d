/**
 * Mermaid's own parser, to check that every chart the action emits is one GitHub can draw. Mermaid
 * sanitizes labels with DOMPurify, which needs a window: jsdom gives it one, as a browser would.
 */
import { JSDOM } from 'jsdom'

const { window } = new JSDOM('')
Object.assign(globalThis, { window, document: window.document })
const { default: mermaid } = await import('mermaid')

/** The Mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map(match => match[1] ?? '')
}

/** Resolves to the diagram's type when Mermaid parses it; rejects with Mermaid's parse error otherwise. */
export async function parseMermaid(text: string): Promise<string> {
  const result = await mermaid.parse(text)
  if (!result) {
    throw new Error('Mermaid did not recognise the diagram')
  }
  return result.diagramType
}
