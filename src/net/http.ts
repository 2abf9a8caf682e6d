import { info, warning } from '../log.js'
import { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Clock } from '../clock.js'
import { errorCode, ServiceError } from '../errors.js'
import { plainDecimal } from '../format.js'
import { decideRetry, type AttemptOutcome, type RetryPolicy } from './retry.js'

export interface HttpRequest {
  /** Who is asked, as users know it: "Entra ID", "the Defender API". */
  service: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
  /**
   * false for a request that must not be sent twice (creating a comment): a retry after an answer
   * that was lost could create a second one.
   */
  retry?: boolean
  /** Largest answer accepted, in bytes; {@link MAX_BODY_BYTES} when not given. */
  maxBodyBytes?: number
  /** What to do about an answer over that size, when it is not the URL's fault (a file too large). */
  tooLargeHint?: string
  /**
   * Takes a 200 answer's body chunk by chunk as it arrives, instead of keeping it (the response's body
   * is then empty). Called once per attempt, so a retry starts afresh; what `write` throws ends the
   * request, unretried.
   */
  sink?: () => BodySink
}

/** Where a streamed body goes. */
export interface BodySink {
  write(chunk: Buffer): void
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A failure that retrying cannot mend, with what to do about it: a header the request may not carry.
 */
class PermanentFailure extends Error {
  constructor(
    message: string,
    readonly hint: string
  ) {
    super(message)
  }
}

/** An answer larger than the request accepts: the service did answer, so this never says "No answer". */
export class AnswerTooLargeError extends ServiceError {
  override name = 'AnswerTooLargeError'
  constructor(
    readonly service: string,
    readonly host: string,
    readonly limitBytes: number,
    hint: string
  ) {
    super(
      `The answer from ${service} (${host}) was larger than ${formatMiB(limitBytes)}, more than the action reads; ` +
        `it was not retried, as the same answer would come back. ${hint}`
    )
  }
}

class BodyTooLarge extends Error {}

/** What a body sink refused: the request ends with the sink's own error. */
class RefusedBody extends Error {
  constructor(readonly refusal: unknown) {
    super('the answer was refused')
  }
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
}

const USER_AGENT = 'defender-secure-score-action'
/** No answer we expect comes near this; a larger one is a misbehaving server, not data. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024

/**
 * The one door to the network. `@actions/http-client` brings the runner's proxy settings
 * (HTTPS_PROXY, NO_PROXY); this adds a deadline per attempt, a bounded body, and the retry policy.
 * Call {@link dispose} when done: kept-alive sockets would otherwise hold the process open.
 */
export class Http {
  private readonly client: HttpClient
  /** Aborted by {@link dispose}: requests still under way (an extra given up on) end at once. */
  private readonly disposal = new AbortController()
  /** Why requests stopped, for the message of those under way or asked for after. */
  private stopReason = 'the action stopped waiting for it'
  /** The waits between attempts decided so far, in milliseconds: a run's bound allows for them. */
  waitedMs = 0
  /** Requests under way at once, at most: many tenants queue here rather than open a socket each. */
  private readonly slots: Slots

  constructor(
    private readonly timeoutMs: number,
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
    maxInFlight = Number.POSITIVE_INFINITY
  ) {
    this.slots = new Slots(maxInFlight)
    this.client = new HttpClient(USER_AGENT, [], {
      allowRetries: false,
      allowRedirects: false,
      keepAlive: true,
      // Our own deadline below fires first and gives the clearer message; this one reclaims the socket.
      socketTimeout: timeoutMs + 1000
    })
  }

  /**
   * Sends the request, retrying 429, 5xx and network failures as the policy allows. Returns the last
   * response whatever its status (the caller knows the service's error shape); throws
   * {@link ServiceError} when no answer came at all.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const host = new URL(request.url).host
    const policy = request.retry === false ? { ...this.policy, maxRetries: 0 } : this.policy
    for (let retriesDone = 0; ; retriesDone++) {
      if (this.disposal.signal.aborted) {
        throw new ServiceError(`No answer from ${request.service} (${host}): ${this.stopReason}.`)
      }
      let response: HttpResponse | undefined
      let failure = ''
      let hint = "Check the URL, the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY), or raise timeout-seconds."
      let outcome: AttemptOutcome
      const release = await this.slots.acquire()
      if (this.disposal.signal.aborted) {
        release()
        throw new ServiceError(`No answer from ${request.service} (${host}): ${this.stopReason}.`)
      }
      try {
        response = await this.attempt(request).finally(release)
        outcome = { kind: 'response', status: response.status, retryAfter: headerValue(response.headers['retry-after']) }
      } catch (error) {
        if (error instanceof RefusedBody) {
          throw error.refusal
        }
        if (error instanceof BodyTooLarge) {
          throw new AnswerTooLargeError(
            request.service,
            host,
            request.maxBodyBytes ?? MAX_BODY_BYTES,
            request.tooLargeHint ?? 'Check that the URL is the service the action expects (api-url, authority-host, GITHUB_API_URL).'
          )
        }
        failure = error instanceof Error ? error.message : String(error)
        const untrusted = isCertificateError(error)
        if (error instanceof PermanentFailure) {
          hint = error.hint
        } else if (untrusted) {
          // Node 24 appends advice to run node with --use-system-ca, which an action cannot do; ours replaces it.
          failure = failure.split(';')[0] ?? failure
          hint =
            "The server's TLS certificate is not trusted. If your network inspects TLS with a private CA, set " +
            'NODE_EXTRA_CA_CERTS to the PEM file of that CA in the job environment.'
        }
        outcome = { kind: 'network-error', retryable: !untrusted && !(error instanceof PermanentFailure) }
      }
      if (this.disposal.signal.aborted) {
        throw new ServiceError(`No answer from ${request.service} (${host}): ${this.stopReason}.`)
      }
      const decision = decideRetry(policy, retriesDone, outcome, this.clock.now(), this.clock.random())
      if (!decision.retry) {
        if (response) {
          return response
        }
        const attempts = retriesDone + 1
        throw new ServiceError(
          `No answer from ${request.service} (${host}): ${failure}${attempts > 1 ? ` (${attempts} attempts)` : ''}. ${hint}`
        )
      }
      const what = response ? `answered HTTP ${response.status}` : `did not answer (${failure})`
      if (decision.cappedFromMs !== undefined) {
        warning(
          `${request.service} asked to wait ${describeSeconds(decision.cappedFromMs)} before retrying; ` +
            `waiting ${decision.delayMs / 1000} s, the most this action allows.`
        )
      }
      info(
        `${request.service} ${what}; retrying in ${(decision.delayMs / 1000).toFixed(1)} s ` +
          `(retry ${retriesDone + 1} of ${policy.maxRetries}).`
      )
      this.waitedMs += decision.delayMs
      await this.clock.sleep(decision.delayMs, 'wait', this.disposal.signal).catch(() => undefined)
    }
  }

  /**
   * Ends every request after `budgetMs` plus the waits between attempts decided by then (and
   * after those, again), as the README bounds a run. Returns what stops the watch.
   */
  stopAfter(budgetMs: number, reason: string): () => void {
    const watch = new AbortController()
    const keepWatch = async (): Promise<void> => {
      let allowedWaitsMs = 0
      for (let next = budgetMs; ; ) {
        await this.clock.sleep(next, 'deadline', watch.signal)
        const extension = this.waitedMs - allowedWaitsMs
        if (extension <= 0) {
          this.dispose(reason)
          return
        }
        allowedWaitsMs = this.waitedMs
        next = extension
      }
    }
    // Stopped by the caller: the watch ends, and so does its pending sleep.
    keepWatch().catch(() => undefined)
    return () => watch.abort()
  }

  /** Ends every request under way and refuses later ones; `reason` says why in their messages. */
  dispose(reason?: string): void {
    if (reason !== undefined && !this.disposal.signal.aborted) {
      this.stopReason = reason
    }
    this.disposal.abort()
    this.client.dispose()
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    let message: IncomingMessage | undefined
    const timer = new AbortController()
    let stop: (error: Error) => void = () => undefined
    const deadline = new Promise<never>((_, reject) => {
      stop = reject
      this.clock.sleep(this.timeoutMs, 'deadline', timer.signal).then(
        () => {
          message?.destroy()
          reject(new Error(`no complete answer within ${this.timeoutMs / 1000} s (timeout-seconds)`))
        },
        () => undefined
      )
    })
    const abort = (): void => {
      message?.destroy()
      stop(new Error(this.stopReason))
    }
    this.disposal.signal.addEventListener('abort', abort, { once: true })
    const exchange = (async (): Promise<HttpResponse> => {
      const response = await this.client
        .request(request.method, request.url, request.body ?? null, request.headers)
        .catch((error: unknown) => {
          throw isInvalidHeader(error)
            ? new PermanentFailure(
                'the request has a header value with a line break or another character HTTP does not allow',
                'A credential or URL holds a character it should not (often a trailing line break pasted into a secret): check the inputs.'
              )
            : error
        })
      message = response.message
      const status = response.message.statusCode ?? 0
      const sink = status === 200 ? request.sink?.() : undefined
      const bytes = await readBody(response.message, request.maxBodyBytes ?? MAX_BODY_BYTES, sink)
      return { status, headers: response.message.headers, body: bytes.toString('utf8') }
    })()
    // Once the deadline wins, the exchange may still fail later; that is expected, not unhandled.
    exchange.catch(() => undefined)
    try {
      return await Promise.race([exchange, deadline])
    } finally {
      timer.abort()
      this.disposal.signal.removeEventListener('abort', abort)
    }
  }
}

/**
 * Reads the whole body (or hands it to `sink` as it arrives), failing (instead of crashing) on a reset, a truncation or a flood. Node
 * reports a connection closed before the promised length as an 'aborted' error; a body that stalls
 * is the per-attempt deadline's to end.
 */
function readBody(message: IncomingMessage, maxBytes: number, sink: BodySink | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        message.destroy()
        reject(new BodyTooLarge())
        return
      }
      if (!sink) {
        chunks.push(chunk)
        return
      }
      try {
        sink.write(chunk)
      } catch (error) {
        message.destroy()
        reject(new RefusedBody(error))
      }
    })
    message.on('end', () => resolve(Buffer.concat(chunks)))
    message.on('error', error => reject(new Error(`the connection failed while reading the answer (${error.message})`)))
  })
}

/** A wait in whole seconds, in plain decimal however large (never `1e+23 s`). */
export function describeSeconds(ms: number): string {
  return Number.isFinite(ms) ? `${plainDecimal(Math.round(ms / 1000))} s` : 'longer than any number of seconds'
}

/** OpenSSL's verdicts on a peer certificate: retrying cannot help, trusting the right CA can. */
const CERTIFICATE_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

function isInvalidHeader(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HEADER_VALUE' || code === 'ERR_HTTP_INVALID_HEADER_VALUE'
}

function isCertificateError(error: unknown): boolean {
  return CERTIFICATE_ERROR_CODES.has(errorCode(error) ?? '')
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** At most `limit` holders at once; the others wait their turn, first come first served. */
class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []

  constructor(limit: number) {
    this.free = limit
  }

  /** Resolves with the function that gives the slot back (once, however often it is called). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) {
      this.free--
    } else {
      await new Promise<void>(resolve => this.waiting.push(resolve))
    }
    let held = true
    return () => {
      if (!held) return
      held = false
      const next = this.waiting.shift()
      if (next) next()
      else this.free++
    }
  }
}
