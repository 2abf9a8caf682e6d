/**
 * GitHub's own description of its REST API (`@octokit/openapi`, pinned) and of its GraphQL API
 * (`@octokit/graphql-schema`) as the judge of every request the action makes and every answer the
 * GitHub double gives: the operation exists, its path and query parameters are declared, and the
 * bodies validate against the operation's schemas (Ajv, after OpenAPI 3.0's `nullable` is turned into
 * JSON Schema).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql'
import { ROOT } from './harness.js'

type Json = Record<string, unknown>

interface Operation {
  operationId: string
  method: string
  template: string
  pattern: RegExp
  /** Literal characters of the template: the more, the more specific (issues/comments/{id} before issues/{number}). */
  literal: number
  parameters: Json[]
  requestBody: Json | undefined
  responses: Record<string, Json>
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

/** OpenAPI 3.0 `nullable: true` as JSON Schema: null is one more accepted type. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (typeof node !== 'object' || node === null) return node
  const { nullable, ...rest } = node as Json
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]))
  if (nullable !== true) return converted
  if (typeof converted['type'] === 'string') {
    const withNull: Json = { ...converted, type: [converted['type'], 'null'] }
    if (Array.isArray(converted['enum'])) withNull['enum'] = [...(converted['enum'] as unknown[]), null]
    return withNull
  }
  return { anyOf: [converted, { type: 'null' }] }
}

export class GitHubDescription {
  private readonly operations: Operation[] = []
  private readonly validators = new Map<unknown, ValidateFunction>()
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true })

  private constructor(
    private readonly spec: Json,
    private readonly graphql: GraphQLSchema
  ) {
    addFormats.default(this.ajv)
    this.ajv.addSchema({ $id: 'github', components: toJsonSchema(spec['components']) } as Json)
    for (const [template, item] of Object.entries(spec['paths'] as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined
        if (!operation) continue
        // Literal parts between the {parameters}; the last parameter of a path may hold slashes ({path} of contents, {ref} of git refs).
        const literals = template.split(/\{[^}]+\}/).map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        const last = literals.length - 1
        const pattern = new RegExp(
          `^${literals.map((part, index) => (index === 0 ? part : `${index === last && part === '' ? '(.+)' : '([^/]+)'}${part}`)).join('')}$`
        )
        this.operations.push({
          operationId: String(operation['operationId']),
          method: method.toUpperCase(),
          template,
          pattern,
          literal: template.replace(/\{[^}]+\}/g, '').length,
          parameters: [...((item['parameters'] as Json[]) ?? []), ...((operation['parameters'] as Json[]) ?? [])].map(parameter =>
            this.resolve(parameter)
          ),
          requestBody: operation['requestBody'] ? this.resolve(operation['requestBody'] as Json) : undefined,
          responses: Object.fromEntries(
            Object.entries((operation['responses'] as Record<string, Json>) ?? {}).map(([status, response]) => [
              status,
              this.resolve(response)
            ])
          )
        })
      }
    }
    this.operations.sort((a, b) => b.literal - a.literal)
  }

  static async load(): Promise<GitHubDescription> {
    const require = createRequire(import.meta.url)
    const spec = JSON.parse(await readFile(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Json
    const sdl = await readFile(join(ROOT, 'node_modules', '@octokit', 'graphql-schema', 'schema.graphql'), 'utf8')
    // GitHub's published schema does not pass graphql-js 17's own checks (two fields of
    // EnterpriseOwnerInfo defined twice; deprecated fields implementing interface fields that are not):
    // it is GitHub's, so it is taken as valid, and queries are validated against it.
    return new GitHubDescription(spec, buildSchema(sdl, { assumeValidSDL: true, assumeValid: true }))
  }

  /** The operation a request is, with `/api/v3` (GitHub Enterprise Server) taken off; undefined when GitHub has none. */
  operation(method: string, url: string): Operation | undefined {
    const path = new URL(url, 'http://x').pathname.replace(/^\/api\/v3(?=\/)/, '')
    return this.operations.find(operation => operation.method === method && operation.pattern.test(path))
  }

  /** What is wrong with a request by GitHub's description; empty when nothing is. */
  checkRequest(method: string, url: string, body: unknown): string[] {
    const where = `${method} ${url}`
    if (new URL(url, 'http://x').pathname.replace(/^\/api/, '') === '/graphql') {
      const query = typeof body === 'object' && body !== null && 'query' in body ? String(body.query) : ''
      return validate(this.graphql, parse(query)).map(error => `${where}: ${error.message}`)
    }
    const operation = this.operation(method, url)
    if (!operation) return [`${where}: no such operation in GitHub's description`]
    const problems: string[] = []
    const declared = new Set(operation.parameters.filter(parameter => parameter['in'] === 'query').map(parameter => parameter['name']))
    for (const name of new URL(url, 'http://x').searchParams.keys()) {
      if (!declared.has(name)) problems.push(`${where}: query parameter '${name}' is not declared by ${operation.operationId}`)
    }
    const schema = (operation.requestBody?.['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema']
    if (body !== undefined && schema === undefined) problems.push(`${where}: ${operation.operationId} takes no JSON body`)
    if (schema !== undefined) problems.push(...this.check(schema, body, `${where} body`))
    return problems
  }

  /** What is wrong with an answer by the operation's response schema for its status; empty when nothing is. */
  checkResponse(method: string, url: string, status: number, body: string): string[] {
    const where = `${method} ${url} -> ${status}`
    if (new URL(url, 'http://x').pathname.replace(/^\/api/, '') === '/graphql') return []
    const operation = this.operation(method, url)
    if (!operation) return [`${where}: no such operation in GitHub's description`]
    const response = operation.responses[String(status)]
    if (!response) return [`${where}: ${operation.operationId} declares no ${status} answer`]
    const schema = (response['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema']
    if (schema === undefined) return body.trim() === '' ? [] : [`${where}: ${operation.operationId} declares no body for ${status}`]
    return this.check(schema, body === '' ? undefined : (JSON.parse(body) as unknown), `${where} answer`)
  }

  private check(schema: unknown, value: unknown, where: string): string[] {
    let validator = this.validators.get(schema)
    if (!validator) {
      const rewritten = JSON.parse(JSON.stringify(toJsonSchema(schema)).replaceAll('"#/components/', '"github#/components/')) as Json
      validator = this.ajv.compile(rewritten)
      this.validators.set(schema, validator)
    }
    return validator(value)
      ? []
      : (validator.errors ?? []).map(
          error => `${where}: ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`
        )
  }

  /** An object of the description, its `$ref` followed. */
  private resolve(node: Json): Json {
    const ref = node['$ref']
    if (typeof ref !== 'string') return node
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], this.spec)
    return this.resolve(target as Json)
  }
}
