import type { Duplex } from 'node:stream'
import type { ErrorBody } from '@anansi/protocol'

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * Refuses a WebSocket upgrade with a plain HTTP answer carrying the protocol's error body, so a
 * client sees the same `{error: {code, message}}` as from every other route.
 */
export function rejectUpgrade(socket: Duplex, status: number, body: ErrorBody): void {
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  )
}
