/**
 * Works around actions/languageservices#387: @actions/workflow-parser imports its JSON schemas
 * without `with { type: 'json' }`, which bundlers forgive and Node does not. Registered only by the
 * test that parses the example workflows.
 */
import type { LoadHook } from 'node:module'

export const load: LoadHook = (url, context, nextLoad) =>
  nextLoad(url, url.endsWith('.json') ? { ...context, importAttributes: { ...context.importAttributes, type: 'json' } } : context)
