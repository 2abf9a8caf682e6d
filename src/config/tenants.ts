/**
 * tenant-id: one tenant, or several, one per line (commas also separate). A line is a tenant ID or
 * verified domain, then `key=value` settings separated by spaces, a value in double quotes when it has
 * spaces: `name` (the label shown instead of the ID) and per-tenant limits overriding the inputs of
 * the same name.
 *
 *   contoso.onmicrosoft.com name="Contoso Ltd" min-score=450
 *   11111111-2222-3333-4444-555555555555 name=Fabrikam
 */
import { ConfigurationError } from '../errors.js'
import { CHECK_IDS, type CheckId, type Limits } from '../checks/registry.js'
import type { Tenant } from '../tenants/tenant.js'

const MAX_NAME_CHARS = 100
/** Ten years: a device silent longer is long gone (the input stale-after-days has the same bound). */
export const MAX_STALE_AFTER_DAYS = 3650

/** One line of tenant-id as written: the tenant, and its settings as text. */
export interface TenantLine {
  /** 1-based, for messages. */
  number: number
  text: string
  id: string
  settings: Map<string, string>
}

/**
 * Splits tenant-id into lines (at line breaks, and at commas outside double quotes) and each line
 * into the tenant and its `key=value` settings. Throws {@link ConfigurationError} naming the line.
 */
export function splitTenantLines(value: string): TenantLine[] {
  const entries: string[] = []
  let current = ''
  let quoted = false
  for (const character of value) {
    if (character === '"') quoted = !quoted
    if (!quoted && (character === '\n' || character === '\r' || character === ',')) {
      entries.push(current)
      current = ''
    } else {
      current += character
    }
  }
  entries.push(current)
  return entries
    .map(text => text.trim())
    .filter(text => text.length > 0)
    .map((text, index) => parseLine(text, index + 1))
}

function parseLine(text: string, number: number): TenantLine {
  const tokens = [...text.matchAll(/([^\s"=]+)=("([^"]*)"?|[^\s"]*)|"[^"]*"?|\S+/g)]
  const [first, ...rest] = tokens
  const id = first?.[0] ?? ''
  const settings = new Map<string, string>()
  const invalid = (why: string) => new ConfigurationError(`Invalid tenant-id line ${number} '${text}': ${why}`)
  if (first?.[1] !== undefined) {
    throw invalid('it must start with the tenant ID or a verified domain, then key=value settings.')
  }
  for (const token of rest) {
    const [whole, key, raw, inQuotes] = token
    if (key === undefined || raw === undefined) {
      throw invalid(`'${whole}' is not a key=value setting. Expected settings such as name="Contoso Ltd" min-score=450.`)
    }
    if (raw.startsWith('"') && (raw.length < 2 || !raw.endsWith('"'))) {
      throw invalid(`the value of ${key} has no closing double quote.`)
    }
    if (settings.has(key)) {
      throw invalid(`${key} is set twice.`)
    }
    settings.set(key, inQuotes ?? raw)
  }
  return { number, text, id, settings }
}

/**
 * The tenants of tenant-id, each with its label and limits: `defaults` are the run-wide inputs, a
 * line's settings override them. `validId` says whether a tenant ID or domain is well formed.
 */
export function parseTenants(
  value: string,
  defaults: Limits,
  validId: (id: string) => boolean,
  parseLimit: (name: CheckId, value: string) => number | undefined
): Tenant[] {
  const seen = new Map<string, number>()
  const lines = splitTenantLines(value)
  const ids = new Map(lines.map(line => [comparableLabel(line.id), line.number]))
  return lines.map(line => {
    const invalid = (why: string) => new ConfigurationError(`Invalid tenant-id line ${line.number} '${line.text}': ${why}`)
    if (!validId(line.id)) {
      throw invalid(
        `'${line.id}' is not a tenant. Expected a directory (tenant) ID, a GUID such as 00000000-0000-0000-0000-000000000000, ` +
          'or a verified domain such as contoso.onmicrosoft.com, then optional key=value settings.'
      )
    }
    const key = line.id.toLowerCase()
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      throw invalid(`the tenant is already on line ${earlier}; list each tenant once.`)
    }
    seen.set(key, line.number)
    const limits: Partial<Record<CheckId, number>> = { ...defaults }
    let label = line.id
    let staleAfterDays: number | undefined
    for (const [name, text] of line.settings) {
      if (name === 'name') {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: a label with control characters could forge log lines.
        if (text.length === 0 || text.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) {
          throw invalid(`name must be 1 to ${MAX_NAME_CHARS} characters without control characters.`)
        }
        label = text
        continue
      }
      if (name === 'stale-after-days') {
        if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_STALE_AFTER_DAYS) {
          throw invalid(`stale-after-days '${text}' must be a whole number of days from 1 to ${MAX_STALE_AFTER_DAYS}, such as 7.`)
        }
        staleAfterDays = Number(text)
        continue
      }
      const check = CHECK_IDS.find(id => id === name)
      if (check === undefined) {
        throw invalid(`unknown setting '${name}'. Expected name, stale-after-days, ${CHECK_IDS.join(', ')}.`)
      }
      if (text.trim() === '') {
        // An empty value (min-score= or a ${{ vars.X }} that is unset) would switch the check off for this tenant.
        throw invalid(
          `${name} is empty, which would switch the check off for this tenant. Give a number (${name}=400), or remove ${name}= ` +
            'from the line to use the input of the same name.'
        )
      }
      try {
        limits[check] = parseLimit(check, text)
      } catch (error) {
        throw invalid(error instanceof Error ? error.message : String(error))
      }
    }
    const labelKey = `label:${comparableLabel(label)}`
    const named = seen.get(labelKey)
    if (named !== undefined && named !== line.number) {
      throw invalid(`the label '${label}' is already used on line ${named}; give each tenant its own name.`)
    }
    const other = label === line.id ? undefined : ids.get(comparableLabel(label))
    if (other !== undefined && other !== line.number) {
      throw invalid(
        `the label '${label}' is the tenant on line ${other}, so this tenant would be reported (and its badge written) under that one's name; give it a name of its own.`
      )
    }
    seen.set(labelKey, line.number)
    return { id: line.id, label, limits, ...(staleAfterDays === undefined ? {} : { staleAfterDays }) }
  })
}

/**
 * A label as people tell labels apart: NFC, case folded, without format characters (a zero-width
 * space or joiner, a direction mark), so that two labels that look alike are the same label.
 */
export function comparableLabel(label: string): string {
  return label
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFC')
}
