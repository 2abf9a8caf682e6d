/**
 * An OData collection `{ "value": [ item, ... ], ... }` read as it arrives: the items of `value` are
 * handed over in batches of about {@link BATCH_BYTES}, each batch parsed as one JSON array as soon
 * as its last byte is in, and the rest of the document (the envelope, with `value` left empty) is
 * parsed at the end. Memory then holds a batch, not the page: a page of 8,000 vulnerabilities is
 * about 7 MiB of JSON, and parsing it whole costs several times that. Written here rather than taken
 * from a streaming JSON library because only this one shape is needed, and every byte still goes
 * through JSON.parse, so what is accepted is what JSON accepts.
 */
import { ServiceError } from '../errors.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** Bytes of items parsed at once: large enough that JSON.parse's cost per call vanishes, small beside a page. */
export const BATCH_BYTES = 64 * 1024

/** The JSON text of a collection, written chunk by chunk; throws ServiceError when it is not valid JSON of that shape. */
export class CollectionReader {
  /** Open brackets, outermost first. */
  private readonly open: number[] = []
  private inString = false
  /** Whether the string's last byte so far is an unpaired backslash (the next byte is escaped). */
  private escaping = false
  private readonly envelope: Buffer[] = []
  /** Raw bytes of items (with the commas between them) not parsed yet. */
  private batch: Buffer[] = []
  private batchBytes = 0
  /** Whether the current depth-2 array is `value`, whose elements are the items. */
  private inItems = false
  private itemsSeen = false
  /** The last string closed at depth 1 (a key, when a colon follows), as its raw bytes. */
  private depthOneString: Buffer[] = []
  private key: string | undefined
  /** Whether the batch before this one ended at a comma: an item must follow. */
  private afterComma = false

  constructor(
    private readonly onItem: (item: unknown) => void,
    private readonly batchLimit = BATCH_BYTES
  ) {}

  write(chunk: Buffer): void {
    let segment = 0
    const flush = (end: number) => {
      if (end > segment) {
        const piece = chunk.subarray(segment, end)
        if (this.inItems) {
          this.batch.push(piece)
          this.batchBytes += piece.length
        } else {
          this.envelope.push(piece)
          if (this.open.length === 1) this.depthOneString.push(piece)
        }
      }
      segment = end
    }
    for (let index = 0; index < chunk.length; index++) {
      if (this.inString) {
        index = this.endOfString(chunk, index)
        if (index >= chunk.length) break
        continue
      }
      const byte = chunk[index]
      if (byte === COMMA && this.inItems && this.open.length === 2 && this.batchBytes + index - segment >= this.batchLimit) {
        // Between two items, with a batch's worth: parse them, leaving the comma out.
        flush(index)
        this.endBatch(true)
        segment = index + 1
        continue
      }
      switch (byte) {
        case QUOTE:
          if (this.open.length === 1) {
            flush(index)
            this.depthOneString = []
          }
          this.inString = true
          break
        case COLON:
          if (this.open.length === 1) {
            flush(index)
            const key = parseText(Buffer.concat(this.depthOneString))
            this.key = typeof key === 'string' ? key : undefined
          }
          break
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          this.open.push(byte)
          if (this.open.length === 2 && byte === OPEN_ARRAY && this.key === 'value') {
            if (this.itemsSeen) throw new ServiceError('the answer has "value" twice')
            flush(index + 1)
            this.inItems = true
            this.itemsSeen = true
          }
          break
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.open.pop() !== (byte === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) {
            throw new ServiceError('the answer is not valid JSON (a bracket does not match)')
          }
          if (this.open.length === 1 && this.inItems) {
            flush(index)
            this.endBatch(false)
            this.inItems = false
          }
          break
      }
    }
    flush(chunk.length)
  }

  /** The envelope, parsed; throws when the document was cut short or is not valid JSON. */
  end(): unknown {
    if (this.inString || this.open.length > 0) {
      throw new ServiceError('the answer is not valid JSON (it ends early)')
    }
    return parseText(Buffer.concat(this.envelope))
  }

  /** Parses the batch, ending at a comma or at the closing bracket; `[]` is empty, but `[1,]` is not JSON. */
  private endBatch(atComma: boolean): void {
    const text = Buffer.concat([OPEN, ...this.batch, CLOSE])
    this.batch = []
    this.batchBytes = 0
    const items = parseText(text)
    if (!Array.isArray(items) || ((atComma || this.afterComma) && items.length === 0)) {
      throw new ServiceError('the answer is not valid JSON (an empty item)')
    }
    this.afterComma = atComma
    for (const item of items) this.onItem(item)
  }

  /** The index of the closing quote at or after `from`, with the string state updated; chunk.length when the string goes on. */
  private endOfString(chunk: Buffer, from: number): number {
    let index = from
    if (this.escaping) {
      this.escaping = false
      index++
    }
    for (;;) {
      const quote = chunk.indexOf(QUOTE, index)
      const end = quote < 0 ? chunk.length : quote
      // A run of backslashes just before the quote (or the chunk's end) escapes it when odd.
      let backslashes = 0
      while (end - backslashes - 1 >= index && chunk[end - backslashes - 1] === BACKSLASH) backslashes++
      if (quote < 0) {
        this.escaping = backslashes % 2 === 1
        return chunk.length
      }
      if (backslashes % 2 === 0) {
        this.inString = false
        return quote
      }
      index = quote + 1
    }
  }
}

const OPEN = Buffer.from('[')
const CLOSE = Buffer.from(']')

function parseText(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch {
    throw new ServiceError('the answer is not valid JSON')
  }
}
