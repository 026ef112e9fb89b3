import { z } from 'zod'

/**
 * A PATCH body over some fields: each optional, unknown keys refused, and at least one present
 * (an empty patch is almost always a client bug, so it is a 400 rather than a silent no-op).
 */
export function nonEmptyPatch<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .strictObject(shape)
    .partial()
    .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
      message: 'expected at least one field',
    })
    .meta({ minProperties: 1 })
}
