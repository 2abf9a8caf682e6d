/**
 * The little of jsdom the tests use (a window for Mermaid's DOMPurify). @types/jsdom is not used: it
 * pulls in the DOM library's types, which clash with Node's own for crypto.
 */
declare module 'jsdom' {
  export class JSDOM {
    constructor(html: string)
    readonly window: { document: unknown }
  }
}
