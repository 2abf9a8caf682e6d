/**
 * A real headless Chromium (the binary @sparticuz/chromium ships inside its npm package, so `npm ci`
 * brings it), driven by puppeteer-core: where the chart, the badge and the summary are looked at as a
 * reader sees them.
 */
import { createRequire } from 'node:module'
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'

const require = createRequire(import.meta.url)
/** Mermaid's browser bundle, the same library GitHub draws `mermaid` blocks with. */
export const MERMAID_BUNDLE = require.resolve('mermaid/dist/mermaid.min.js')

/** Headless Chromium, unpacked to /tmp on first use. */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true })
}

export async function withBrowser<T>(work: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser()
  try {
    return await work(browser)
  } finally {
    await browser.close()
  }
}

/** A page with Mermaid loaded. */
export async function mermaidPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage()
  await page.setContent('<!doctype html><html><body></body></html>')
  await page.addScriptTag({ path: MERMAID_BUNDLE })
  return page
}

/**
 * Runs `body` (JavaScript, as a browser runs it) in the page with `args` bound by name. Written as
 * text: the project compiles without the DOM's types, which clash with Node's.
 */
function inPage<T>(page: Page, args: Record<string, unknown>, body: string): Promise<T> {
  const bindings = Object.entries(args)
    .map(([name, value]) => `const ${name} = ${JSON.stringify(value)};`)
    .join('\n')
  return page.evaluate(`(async () => {\n${bindings}\n${body}\n})()`) as Promise<T>
}

/** Mermaid's SVG of a diagram, drawn in the page; rejects with Mermaid's error when it cannot draw it. */
export function renderMermaid(page: Page, text: string): Promise<string> {
  return inPage(
    page,
    { diagram: text },
    `window.mermaid.initialize({ startOnLoad: false })
     const { svg } = await window.mermaid.render('chart' + Math.random().toString(36).slice(2), diagram)
     return svg`
  )
}

/** The share of pixels that differ (by more than a rounding) between two SVG images drawn at the same size, in [0, 1]. */
export function pixelDifference(page: Page, first: string, second: string): Promise<number> {
  return inPage(
    page,
    { first, second },
    `const draw = async svg => {
       const image = new Image()
       image.src = 'data:image/svg+xml;base64,' + btoa(svg)
       await image.decode()
       const canvas = document.createElement('canvas')
       canvas.width = image.naturalWidth
       canvas.height = image.naturalHeight
       const context = canvas.getContext('2d')
       context.drawImage(image, 0, 0)
       return { data: context.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height }
     }
     const x = await draw(first)
     const y = await draw(second)
     if (x.width !== y.width || x.height !== y.height) return 1
     let different = 0
     for (let index = 0; index < x.data.length; index += 4) {
       for (let channel = 0; channel < 4; channel++) {
         if (Math.abs(x.data[index + channel] - y.data[index + channel]) > 8) { different++; break }
       }
     }
     return different / (x.width * x.height)`
  )
}
