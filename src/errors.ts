/**
 * What the user must fix: an input, the workflow's permissions, or the set-up of the Entra app.
 * Kept apart from {@link ServiceError} so that the final message says whose move it is.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError'
}

/** A failure reported by a remote service (Entra ID, the Defender API, GitHub) or the network to it. */
export class ServiceError extends Error {
  override name = 'ServiceError'
}

/** Failures the action foresaw and explained; anything else is a bug of ours. */
export function isExpectedFailure(error: unknown): error is ConfigurationError | ServiceError {
  return error instanceof ConfigurationError || error instanceof ServiceError
}

/** Codes of the file system refusing: the runner's disk or permissions, not a bug of the action. */
const FILE_SYSTEM_CODES = new Set([
  'EPERM',
  'EACCES',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'ENOENT',
  'EMFILE',
  'ELOOP',
  'EBUSY',
  'EIO'
])

/** The single line handed to `core.setFailed`: never a stack trace, never a secret. */
export function failureMessage(error: unknown): string {
  if (isExpectedFailure(error)) {
    return error.message
  }
  const detail = error instanceof Error ? error.message : String(error)
  if (FILE_SYSTEM_CODES.has(errorCode(error) ?? '')) {
    return `The runner's file system refused: ${detail}. Check that the path is writable by the job (not read-only, not a folder) and that the disk has room.`
  }
  return `Unexpected error in the action: ${detail}. Please report it with the log of this step (re-run with debug logging for more).`
}

/** The `code` of a Node.js system or TLS error (ENOENT, ECONNRESET, CERT_HAS_EXPIRED ...). */
export function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error && 'code' in error ? error.code : undefined
  return typeof code === 'string' ? code : undefined
}
