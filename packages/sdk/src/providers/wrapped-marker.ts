/** Property a wrapped client answers with its recorder, so wrapping it again is a no-op. */
export const WRAPPED_BY = Symbol.for('@anansi/sdk.wrappedBy')

/** Whether `client` is already wrapped for `owner`. */
export function isWrappedBy(client: object, owner: object): boolean {
  return (client as { [WRAPPED_BY]?: unknown })[WRAPPED_BY] === owner
}
