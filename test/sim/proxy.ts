/**
 * A forward proxy for HTTPS, as self-hosted runners sit behind: it answers CONNECT host:port, records
 * the target, and tunnels to the loopback port the route table names. It never resolves or reaches
 * the real host: unknown targets get 502.
 */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export class ConnectProxy {
  /** Every CONNECT target asked for, as host:port. */
  readonly connects: string[] = []
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    private readonly routes: (host: string) => number | undefined
  ) {}

  static async start(routes: (host: string) => number | undefined): Promise<ConnectProxy> {
    const server = createServer((_request, response) => {
      response.writeHead(405).end('this test proxy only tunnels (CONNECT)')
    })
    const proxy = new ConnectProxy(server, routes)
    server.on('connect', (request, client: Socket, head: Buffer) => proxy.tunnel(request.url ?? '', client, head))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** The distinct targets, in the order first asked for (concurrent requests may open several tunnels). */
  targets(): string[] {
    return [...new Set(this.connects)]
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy()
    }
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }

  private tunnel(target: string, client: Socket, head: Buffer): void {
    this.connects.push(target)
    this.sockets.add(client)
    client.on('close', () => this.sockets.delete(client))
    client.on('error', () => client.destroy())
    const port = this.routes(target.replace(/:\d+$/, ''))
    if (port === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      return
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    this.sockets.add(upstream)
    upstream.on('close', () => this.sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
  }
}
