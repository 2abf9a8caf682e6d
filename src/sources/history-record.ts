/**
 * What a history line keeps of a source: its fields, written from the tenant's reading and read back
 * from a line (hostile: anyone with write access can edit the file). One object per source that keeps
 * anything, in its folder, listed in ./registry.ts; the history (../history/history.ts) knows no source.
 */
export interface HistoryRecord<Reading, Fields extends object> {
  /** The fields a line gets from this reading; undefined when it keeps nothing of it (not read). */
  write(reading: Reading): Fields | undefined
  /** The same fields read back from a line; a field absent from the line is left out, one that cannot be read is null. */
  read(line: Record<string, unknown>): Partial<Fields>
  /** Fields only a tenant's newest line keeps (they are large): earlier lines lose them when a run writes its own. */
  newestOnly: ReadonlyArray<keyof Fields & string>
}
