import type { GateOptions } from '../gating/gate-options.js'
import type { TrackOptions } from './track-options.js'

/**
 * Options of the decorator form. They are written before the method they decorate, so their
 * extractors cannot see its types: arguments are typed loosely and the method's own types win.
 */
export type DecoratorOptions = Omit<TrackOptions<never[], never>, 'gate'> & {
  gate?: GateOptions<unknown>
}

/** A standard (TC39, TypeScript ≥ 5) class-method decorator that keeps the method's type. */
export type MethodDecorator = <T, A extends unknown[], R>(
  method: (this: T, ...args: A) => R,
  context: ClassMethodDecoratorContext<T, (this: T, ...args: A) => R>,
) => (this: T, ...args: A) => R
