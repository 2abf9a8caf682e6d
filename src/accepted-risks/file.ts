/**
 * The accepted-risks file: a YAML list of entries, each an item the gate leaves out of the limit it
 * would break, with a reason, an owner and an expiry. The file is text from outside (a pull request
 * can write it): it is parsed with bounds, validated whole, and a file that cannot be used is a
 * configuration error naming the entry and the fix. Pure; loaded only by runs that set the input.
 */
import { LineCounter, parseDocument } from 'yaml'
import { ConfigurationError } from '../errors.js'
import { isRecord } from '../json.js'
import { DEVICE_GROUP_PREFIX, type AcceptedRisk } from './risk.js'

/** Entries a file holds at most. */
export const MAX_ENTRIES = 1000
/** Bytes a file holds at most. */
export const MAX_FILE_BYTES = 1024 * 1024
/** Aliases a file may use: the yaml package's own bound against alias bombs, said here so that it stays. */
const MAX_ALIASES = 100

const KEYS = ['id', 'reason', 'owner', 'expires', 'tenant'] as const
/** Characters of a reason or owner kept: a longer text is not a reason, and would swamp every table. */
const MAX_TEXT_CHARS = 500
/** An ID as Defender's API gives one (CVE-2024-38063, TVM-2020-0002, va-_-google-_-chrome, sca-_-scid-2010). */
const ITEM_ID = /^[A-Za-z0-9][\w.:-]{0,199}$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 24 * 60 * 60 * 1000
/** Names of the numbers Microsoft computes, which an entry might try to accept. */
const SCORES = ['score', 'secure-score', 'device-secure-score', 'exposure-score', 'coverage']

/** What an entry is checked against: the run's tenants, today, the furthest expiry allowed, and the names of the scores. */
export interface FileContext {
  /** Where the file was read, as messages say it: ".github/accepted-risks.yml from main at 1a2b3c4". */
  where: string
  tenants: ReadonlyArray<{ id: string; label: string }>
  /** Today, UTC, YYYY-MM-DD. */
  today: string
  maxDays: number
  /** IDs an entry may not take: the checks' inputs (a score is Microsoft's number, not an item). */
  checkIds: readonly string[]
}

/** The entries of a file, each validated; throws {@link ConfigurationError} naming the entry and the fix. */
export function parseAcceptedRisks(bytes: Buffer, context: FileContext): AcceptedRisk[] {
  const problem = (what: string) => new ConfigurationError(`accepted-risks (${context.where}): ${what}`)
  if (bytes.length > MAX_FILE_BYTES) {
    throw fileTooLarge(context.where, bytes.length)
  }
  const lines = new LineCounter()
  const document = parseDocument(bytes.toString('utf8'), { uniqueKeys: true, prettyErrors: false, lineCounter: lines })
  const [error] = document.errors
  if (error) {
    const at = lines.linePos(error.pos[0])
    throw problem(
      `it is not valid YAML (line ${at.line}, column ${at.col}): ${firstLine(error.message)}. Expected a list of entries such as ${EXAMPLE}.`
    )
  }
  let value: unknown
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (aliasError) {
    throw problem(`it cannot be read: ${firstLine(aliasError instanceof Error ? aliasError.message : String(aliasError))}.`)
  }
  if (value === null || value === undefined) {
    return []
  }
  if (!Array.isArray(value)) {
    throw problem(`the file is not a list of entries. Expected a list such as ${EXAMPLE}.`)
  }
  if (value.length > MAX_ENTRIES) {
    throw problem(`the file has ${value.length} entries, more than the ${MAX_ENTRIES} allowed. Remove expired or unused ones.`)
  }
  const risks = value.map((entry: unknown, index) => readEntry(entry, index + 1, context, problem))
  checkDuplicates(risks, problem)
  return risks
}

const EXAMPLE = "'- id: CVE-2024-38063', with reason, owner and expires (YYYY-MM-DD) on the lines below it"

function readEntry(entry: unknown, number: number, context: FileContext, problem: (what: string) => ConfigurationError): AcceptedRisk {
  const name = (id?: unknown) => `entry ${number}${typeof id === 'string' && id ? ` (${quoted(id)})` : ''}`
  if (!isRecord(entry)) {
    throw problem(`${name()} is not a mapping of keys. Expected ${EXAMPLE}.`)
  }
  const { id } = entry
  const unknown = Object.keys(entry).filter(key => !KEYS.some(known => known === key))
  if (unknown.length > 0) {
    throw problem(`${name(id)} has the unknown key ${unknown.map(quoted).join(', ')}. Expected only ${KEYS.join(', ')}.`)
  }
  if (typeof id !== 'string' || id.trim() === '') {
    throw problem(
      `${name()} has no id. Expected a vulnerability ID (CVE-2024-38063), a recommendation ID as the API gives it, or device-group:<name>.`
    )
  }
  const target = readTarget(id.trim(), context.checkIds)
  if (typeof target === 'string') {
    throw problem(`${name(id)}: ${target}`)
  }
  const texts = Object.fromEntries(
    (['reason', 'owner'] as const).map(key => {
      const text = entry[key]
      if (typeof text !== 'string' || text.trim() === '') {
        throw problem(
          `${name(id)} has no ${key}. Expected ${key === 'reason' ? 'why the risk is accepted' : 'who accepted it (a person or a team)'}, as text.`
        )
      }
      return [key, text.trim().slice(0, MAX_TEXT_CHARS)]
    })
  ) as Record<'reason' | 'owner', string>
  const expires = readExpiry(entry['expires'], context)
  if (typeof expires !== 'object') {
    throw problem(`${name(id)}: ${expires}`)
  }
  const tenant = readTenant(entry['tenant'], context)
  if (typeof tenant === 'string') {
    throw problem(`${name(id)}: ${tenant}`)
  }
  return { entry: number, id: id.trim(), ...target, ...texts, expires: expires.date, tenant: tenant?.id, tenantLabel: tenant?.label }
}

/** What an ID targets, or why it cannot be accepted. */
function readTarget(id: string, checkIds: readonly string[]): Pick<AcceptedRisk, 'kind' | 'name'> | string {
  if (id.toLowerCase().startsWith(DEVICE_GROUP_PREFIX)) {
    const name = id.slice(DEVICE_GROUP_PREFIX.length).trim()
    return name
      ? { kind: 'device group', name }
      : `id ${quoted(id)} names no device group. Expected device-group:<name>, the group's name as Defender shows it.`
  }
  if (checkIds.includes(id.toLowerCase()) || SCORES.includes(id.toLowerCase())) {
    return (
      `id ${quoted(id)} names a score or a check. Scores are not acceptable: the score, its drop, the exposure score and coverage ` +
      'are numbers Microsoft computes, which an acceptance does not change. Change the limit in the workflow instead, or accept the items (a CVE, a recommendation, a device group).'
    )
  }
  return ITEM_ID.test(id)
    ? { kind: 'item', name: id }
    : `id ${quoted(id)} is not an ID. Expected a vulnerability ID (CVE-2024-38063), a recommendation ID as the API gives it (sca-_-scid-2010), or device-group:<name>.`
}

function readExpiry(value: unknown, context: FileContext): { date: string } | string {
  const match = typeof value === 'string' ? DATE.exec(value) : null
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    return `expires ${quoted(value)} is not a date. Expected YYYY-MM-DD, such as ${addDays(context.today, 90)}.`
  }
  const latest = addDays(context.today, context.maxDays)
  if (value > latest) {
    return (
      `expires ${value} is more than accepted-risks-max-days (${context.maxDays}) after today (${context.today}). ` +
      `Expected a date by ${latest}: accept for a shorter time, and renew it nearer the date.`
    )
  }
  return { date: value as string }
}

function readTenant(value: unknown, context: FileContext): { id: string; label: string } | undefined | string {
  if (value === undefined || value === null) {
    return undefined
  }
  const wanted = typeof value === 'string' ? value.trim().toLowerCase() : undefined
  const tenant = context.tenants.find(
    known => wanted !== undefined && wanted !== '' && (known.id.toLowerCase() === wanted || known.label.toLowerCase() === wanted)
  )
  if (tenant === undefined) {
    const names = context.tenants.map(known => known.label).slice(0, 10)
    return `tenant ${quoted(value)} is not a tenant of this run. Expected a label or an ID from tenant-id (${names.map(quoted).join(', ')}), or no tenant key for every tenant.`
  }
  return { id: tenant.id, label: tenant.label }
}

/** Two entries for the same item whose tenants overlap (the same tenant, or one of them every tenant): which one holds is not clear. */
function checkDuplicates(risks: AcceptedRisk[], problem: (what: string) => ConfigurationError): void {
  const seen = new Map<string, AcceptedRisk[]>()
  for (const risk of risks) {
    const key = `${risk.kind}:${risk.name.normalize('NFC').toUpperCase().toLowerCase()}`
    const earlier = seen.get(key) ?? []
    const clash = earlier.find(other => other.tenant === undefined || risk.tenant === undefined || other.tenant === risk.tenant)
    if (clash) {
      throw problem(
        `entries ${clash.entry} and ${risk.entry} both accept ${quoted(risk.id)}${risk.tenantLabel ? ` for ${quoted(risk.tenantLabel)}` : ''}. ` +
          'Keep one entry per item and tenant.'
      )
    }
    seen.set(key, [...earlier, risk])
  }
}

export function fileTooLarge(where: string, bytes: number): ConfigurationError {
  return new ConfigurationError(
    `accepted-risks (${where}): the file has ${bytes} bytes, more than the ${MAX_FILE_BYTES} (1 MiB) allowed. Split the acceptances, or remove expired ones.`
  )
}

/** YYYY-MM-DD `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** A value from the file in a message: quoted, on one line, short. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200)
}
