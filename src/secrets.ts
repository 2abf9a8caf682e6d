/**
 * The secrets the run holds, and their removal from every text that leaves the process: log lines,
 * outputs, the job summary, and every body sent to GitHub (comments, issues, the history). Each
 * secret is cut out in every encoding it travels in, and so is any long enough piece of one: a
 * server that echoes a credential may cut it, and the runner masks only whole values (and nothing
 * at all in what the action posts through GitHub's API).
 *
 * Written here rather than taken from a library: no package does piece-wise redaction in several
 * encodings, and the cost must stay linear in the text whatever the number of tenants' tokens.
 */
import * as core from '@actions/core'

/** A piece this long of a secret is taken as the secret: shorter runs are too common to mean anything. */
export const SECRET_PIECE = 12
/**
 * Pieces indexed per secret form at most. A form up to 75 characters long (every secret a user gives)
 * has every piece indexed; a longer one (an access token, an ID token, an assertion) is indexed at a
 * stride, so a run of at least `SECRET_PIECE + stride - 1` characters of it is found. The index stays
 * a few megabytes with a thousand tenants' tokens, and a 20-character piece of a token is of no use.
 */
export const MAX_PIECES_PER_SECRET = 64
const REDACTED = '***'

/** Every form of every secret, each once. */
const forms: string[] = []
const known = new Set<string>()
/** Forms shorter than a piece: replaced whole, the only ones searched for one by one. */
const shortForms: string[] = []
/** A piece of a form -> where it stands: `form index * 2^16 + offset` (one number, or several). */
const pieces = new Map<string, number | number[]>()
/** Which UTF-16 code units occur in some secret: a window with any other unit cannot be a piece. */
const secretUnits = new Uint8Array(65536)
/** Which pairs of units start an indexed piece (hashed): a window that starts otherwise is not looked up. */
const pieceStarts = new Uint8Array(65536)
/** Redactions of short texts already made (a rendering cut to fit renders the same cells many times); cleared when a secret is added. */
const recent = new Map<string, string>()
const RECENT_TEXTS = 4096
const RECENT_TEXT_CHARS = 1024
const OFFSET_BITS = 65536

/** Masks `value` in the runner's log and remembers it, raw and in every encoding a request or an echo carries it in. */
export function addSecret(value: string): void {
  if (value.length === 0) {
    return
  }
  core.setSecret(value)
  recent.clear()
  for (const form of encodingsOf(value)) {
    if (!known.has(form)) {
      known.add(form)
      index(form)
    }
  }
}

/**
 * The forms a secret travels in: raw; URL-encoded (a query); form-encoded (a token request's body);
 * JSON-escaped, as JSON.stringify writes it and with every non-ASCII character and `/` escaped as
 * some servers do; and the JSON-escaped form of the form-encoded one (a body quoted in an error).
 */
function encodingsOf(value: string): string[] {
  const formEncoded = new URLSearchParams({ v: value }).toString().slice(2)
  const jsonEscaped = JSON.stringify(value).slice(1, -1)
  const asciiJson = jsonEscaped.replace(/[^\x20-\x7e]|\//g, character =>
    character === '/' ? '\\/' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return [...new Set([value, encodeURIComponent(value), formEncoded, jsonEscaped, asciiJson, JSON.stringify(formEncoded).slice(1, -1)])]
}

function index(form: string): void {
  if (form.length < SECRET_PIECE) {
    shortForms.push(form)
    // Longest first, so that no shorter form leaves the rest of a longer one visible.
    shortForms.sort((a, b) => b.length - a.length)
    return
  }
  // Forms longer than 65,535 units are indexed in their first 65,535: no credential is that long.
  const length = Math.min(form.length, OFFSET_BITS - 1)
  const formIndex = forms.push(form.slice(0, length)) - 1
  for (let unit = 0; unit < length; unit++) {
    secretUnits[form.charCodeAt(unit)] = 1
  }
  const positions = length - SECRET_PIECE + 1
  const stride = Math.max(1, Math.ceil(positions / MAX_PIECES_PER_SECRET))
  for (let offset = 0; offset < positions; offset += stride) {
    const piece = form.slice(offset, offset + SECRET_PIECE)
    pieceStarts[startOf(form, offset)] = 1
    const at = formIndex * OFFSET_BITS + offset
    const earlier = pieces.get(piece)
    if (Array.isArray(earlier)) {
      earlier.push(at)
    } else {
      pieces.set(piece, earlier === undefined ? at : [earlier, at])
    }
  }
}

/**
 * `text` with every secret, and every piece of one (see {@link MAX_PIECES_PER_SECRET}), replaced by
 * `***`. Linear in the text: each window of {@link SECRET_PIECE} units made only of units that occur
 * in a secret is looked up once, and a hit is widened to the longest run that matches that form.
 */
export function redactSecrets(text: string): string {
  if (forms.length === 0 && shortForms.length === 0) {
    return text
  }
  if (text.length > RECENT_TEXT_CHARS) {
    return redact(text)
  }
  let redacted = recent.get(text)
  if (redacted === undefined) {
    if (recent.size >= RECENT_TEXTS) recent.clear()
    redacted = redact(text)
    recent.set(text, redacted)
  }
  return redacted
}

/** The hash of the two units at `offset` that {@link pieceStarts} is indexed by. */
function startOf(text: string, offset: number): number {
  return ((text.charCodeAt(offset) * 31) ^ text.charCodeAt(offset + 1)) & 0xffff
}

function redact(text: string): string {
  let result = text
  for (const form of shortForms) {
    if (result.includes(form)) {
      result = result.split(form).join(REDACTED)
    }
  }
  if (pieces.size === 0 || result.length < SECRET_PIECE) {
    return result
  }
  let output = ''
  let copied = 0
  let run = 0
  for (let end = 0; end < result.length; end++) {
    run = secretUnits[result.charCodeAt(end)] === 1 ? run + 1 : 0
    if (run < SECRET_PIECE) {
      continue
    }
    const start = end - SECRET_PIECE + 1
    if (pieceStarts[startOf(result, start)] === 0) {
      continue
    }
    const found = pieces.get(result.slice(start, end + 1))
    if (found === undefined) {
      continue
    }
    const span = widest(result, start, copied, found)
    output += result.slice(copied, span.from) + REDACTED
    copied = span.to
    end = span.to - 1
    run = 0
  }
  return copied === 0 ? result : output + result.slice(copied)
}

/** The longest stretch of `text` around the piece at `start` that matches one of the forms where the piece stands. */
function widest(text: string, start: number, floor: number, found: number | number[]): { from: number; to: number } {
  let best = { from: start, to: start + SECRET_PIECE }
  for (const at of Array.isArray(found) ? found : [found]) {
    const form = forms[Math.floor(at / OFFSET_BITS)] ?? ''
    const offset = at % OFFSET_BITS
    let before = 0
    while (start - before > floor && offset - before > 0 && text[start - before - 1] === form[offset - before - 1]) before++
    let after = SECRET_PIECE
    while (start + after < text.length && offset + after < form.length && text[start + after] === form[offset + after]) after++
    if (before + after > best.to - best.from) {
      best = { from: start - before, to: start + after }
    }
  }
  return best
}

/**
 * `value` as JSON with every string in it redacted, for a body that leaves the process (a request to
 * GitHub, report-json, a history line): strings are redacted before they are escaped, so no escape
 * can hide a secret, and a redaction can never touch the JSON around them.
 */
export function redactedJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown): unknown {
    return typeof item === 'string' && !(this[key] instanceof EncodedText) ? redactSecrets(item) : item
  })
}

/**
 * Text whose source was redacted before it was encoded (the base64 of a history file): {@link redactedJson}
 * sends it as it is, since redacting the encoding would only corrupt it.
 */
export class EncodedText {
  constructor(readonly encoded: string) {}

  toJSON(): string {
    return this.encoded
  }
}
