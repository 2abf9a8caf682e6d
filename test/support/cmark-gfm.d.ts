/** The part of `cmark-gfm` (GitHub's Markdown renderer, bound for Node) the tests use; it ships no types. */
declare module 'cmark-gfm' {
  interface Options {
    unsafe?: boolean
    githubPreLang?: boolean
    footnotes?: boolean
    extensions?: Partial<Record<'table' | 'autolink' | 'strikethrough' | 'tagfilter' | 'tasklist', boolean>>
  }
  export function renderHtmlSync(markdown: string, options?: Options): string
}
