import type { SocketFactory } from './platform.js'

/**
 * Opens the verdict WebSocket with undici (Node 20 has no global WebSocket, and only undici's
 * accepts headers). The connector unrefs the TCP socket: an idle verdict channel must never keep
 * the application from exiting, while a gate waiting on it keeps its own timer.
 */
export const openNodeSocket: SocketFactory = async (url, headers, handlers) => {
  const { Agent, WebSocket, buildConnector } = await import('undici')
  const connect = buildConnector({})
  const agent = new Agent({
    connect: (options, callback) =>
      connect(options, (error, socket) => {
        if (error !== null || socket === null) callback(error ?? new Error('no socket'), null)
        else {
          socket.unref()
          callback(null, socket)
        }
      }),
  })
  const ws = new WebSocket(url, { headers, dispatcher: agent })
  ws.addEventListener('open', () => handlers.onOpen())
  ws.addEventListener('message', (event) => {
    if (typeof event.data === 'string') handlers.onMessage(event.data)
  })
  ws.addEventListener('error', () => handlers.onClose('error'))
  ws.addEventListener('close', (event) => {
    handlers.onClose(`closed (${event.code})`)
    void agent.close()
  })
  return { close: () => ws.close() }
}
