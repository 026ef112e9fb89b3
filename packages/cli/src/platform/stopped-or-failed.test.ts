import { describe, expect, it } from 'vitest'
import { stoppedOrFailed } from './stopped-or-failed.js'

const never = new Promise<Error>(() => undefined)

describe('stoppedOrFailed', () => {
  it('answers stopped when the signal aborts', async () => {
    const stop = new AbortController()
    const waiting = stoppedOrFailed(stop.signal, never)
    stop.abort()
    expect(await waiting).toEqual({ stopped: true })
  })

  it('answers stopped at once for a signal already aborted', async () => {
    expect(await stoppedOrFailed(AbortSignal.abort(), undefined)).toEqual({ stopped: true })
  })

  it('answers the failure when the watched part fails first', async () => {
    const error = new Error('consumer died')
    const result = await stoppedOrFailed(new AbortController().signal, Promise.resolve(error))
    expect(result).toEqual({ stopped: false, error })
  })

  it('treats a rejected promise as a failure too', async () => {
    const result = await stoppedOrFailed(
      new AbortController().signal,
      Promise.reject(new Error('boom')),
    )
    expect(result).toMatchObject({ stopped: false, error: { message: 'boom' } })
  })
})
