/**
 * `npm run screenshot`: the demo's job summary as a reader sees it on GitHub, into docs/summary.png
 * (shown near the top of the README): the Markdown through cmark-gfm, in GitHub's Markdown look, with
 * the Mermaid chart drawn, photographed in headless Chromium. Regenerate it when the summary changes.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Simulator } from '../../sim/simulator.js'
import { mermaidPage, renderMermaid, withBrowser } from '../browser.js'
import { demoRun } from '../demo-run.js'
import { decodeHtmlText, renderGitHubMarkdown } from '../github-markdown.js'
import { ROOT } from '../harness.js'

export const SCREENSHOT = join(ROOT, 'docs', 'summary.png')

/** The look of GitHub's rendered Markdown, as far as a summary needs it. */
const GITHUB_STYLE = `
  body { margin: 0; padding: 24px 32px; width: 900px; background: #fff; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; margin: 24px 0 16px; }
  h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
  p { margin: 0 0 16px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  a { color: #0969da; text-decoration: none; }
  sub { color: #59636e; }
  .mermaid svg { max-width: 700px; }
`

/** The demo's summary, photographed; returns the PNG. */
export async function screenshotSummary(): Promise<Buffer> {
  const sim = await Simulator.start()
  let markdown: string
  try {
    markdown = (await demoRun(sim)).summary
  } finally {
    await sim.close()
  }
  return withBrowser(async browser => {
    const page = await mermaidPage(browser)
    let html = renderGitHubMarkdown(markdown)
    for (const [block, code = ''] of html.matchAll(/<pre lang="mermaid"><code>([\s\S]*?)<\/code><\/pre>/g)) {
      html = html.replace(block, `<div class="mermaid">${await renderMermaid(page, decodeHtmlText(code))}</div>`)
    }
    await page.setContent(`<!doctype html><html><head><style>${GITHUB_STYLE}</style></head><body>${html}</body></html>`)
    await page.setViewport({ width: 964, height: 800, deviceScaleFactor: 1 })
    return Buffer.from(await page.screenshot({ fullPage: true, type: 'png' }))
  })
}

if (process.argv.includes('--write')) {
  await writeFile(SCREENSHOT, await screenshotSummary())
  console.log(`${SCREENSHOT}: the demo's job summary`)
}
