/** Where progress goes: a writable that may be a terminal (process.stderr). */
export interface ProgressStream {
  isTTY?: boolean
  write(text: string): unknown
}

/** A running progress indicator for one slow step. */
export interface Progress {
  /** Ends the step: replaces the spinner with a finished line (with its duration). */
  done(note?: string): void
  /** Ends the step without claiming success (the caller reports the error). */
  fail(): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const CLEAR_LINE = '\r\x1b[K'

const SILENT: Progress = { done: () => undefined, fail: () => undefined }

/**
 * Starts a spinner for a slow step on `stream`, but only when it is a terminal: piped or
 * redirected output (scripts, CI logs) never sees control characters.
 */
export function startProgress(stream: ProgressStream, label: string, frameMs = 80): Progress {
  if (stream.isTTY !== true) return SILENT
  const started = performance.now()
  let frame = 0
  const draw = (): void => {
    stream.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length] ?? '-'} ${label}…`)
    frame += 1
  }
  draw()
  // unref: a spinner must never keep the process alive on its own.
  const timer = setInterval(draw, frameMs)
  timer.unref()
  let ended = false
  const end = (line: string): void => {
    if (ended) return
    ended = true
    clearInterval(timer)
    stream.write(`${CLEAR_LINE}${line}`)
  }
  return {
    done: (note) => {
      const ms = Math.round(performance.now() - started)
      end(`✔ ${label}${note === undefined ? '' : `: ${note}`} (${ms} ms)\n`)
    },
    fail: () => end(`✖ ${label}\n`),
  }
}
