/** How a simulated service answers: a canned status and body, or a failure at the transport level. */
import type { ServerResponse } from 'node:http'

/** A canned answer that replaces the service's normal handling for one request. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
  /** Extra delay before this answer, on top of the simulator's latency. */
  delayMs?: number
  /** Only a request for this path takes this answer (requests may arrive in any order); a trailing * matches a prefix. */
  path?: string
  /** Misbehave at the transport level instead of answering properly. */
  fault?: TransportFault
  /** Only a request with this method takes this answer. */
  method?: string
  /**
   * Handle the request as usual (a write lands), then give this answer instead of the real one: an
   * answer lost on the way back.
   */
  afterHandling?: boolean
  /** What another party does just before this answer is given (a racing run's write). */
  meanwhile?: () => void
}

/**
 * How a broken server or middlebox fails: `hang` accepts the request and never answers;
 * `stall-body` sends the headers and half the body, then nothing; `reset-mid-body` sends half the
 * body, then resets the connection; `truncate` promises the whole body (Content-Length) but closes
 * cleanly after half of it.
 */
export type TransportFault = 'hang' | 'stall-body' | 'reset-mid-body' | 'truncate'

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) }
}

/** Fails the way `fault` says; close() ends whatever is left hanging. */
export function misbehave(
  fault: TransportFault,
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string
): void {
  if (fault === 'hang') {
    return
  }
  const half = body.slice(0, Math.ceil(body.length / 2))
  response.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) })
  response.write(half)
  if (fault === 'reset-mid-body') {
    // Let the half body reach the client before the reset.
    setTimeout(() => response.socket?.resetAndDestroy(), 50).unref()
  } else if (fault === 'truncate') {
    setTimeout(() => response.socket?.end(), 50).unref()
  }
}
