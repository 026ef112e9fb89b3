import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'

/** Serves one WebSocket path: called with the parsed request URL. */
export type UpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
) => void

interface Route {
  matches: (pathname: string) => boolean
  handle: UpgradeHandler
}

interface Table {
  routes: Set<Route>
  listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void
}

const tables = new WeakMap<Server, Table>()

/**
 * Adds a WebSocket path to a Node HTTP server. Several sockets (verdicts, test-run progress) share
 * one server: one `upgrade` listener dispatches by path, and an upgrade no route matches is
 * destroyed (a listener per socket could not tell "not mine" from "nobody's").
 * @returns a function that removes the route (and the listener with the last one)
 */
export function addUpgradeRoute(
  server: Server,
  matches: (pathname: string) => boolean,
  handle: UpgradeHandler,
): () => void {
  let table = tables.get(server)
  if (table === undefined) {
    const routes = new Set<Route>()
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const url = new URL(request.url ?? '/', 'http://localhost')
      for (const route of routes)
        if (route.matches(url.pathname)) return route.handle(request, socket, head, url)
      socket.destroy()
    }
    table = { routes, listener }
    tables.set(server, table)
    server.on('upgrade', listener)
  }
  const route: Route = { matches, handle }
  const owner = table
  owner.routes.add(route)
  return () => {
    owner.routes.delete(route)
    if (owner.routes.size > 0 || tables.get(server) !== owner) return
    server.off('upgrade', owner.listener)
    tables.delete(server)
  }
}
