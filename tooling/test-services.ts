/**
 * Tests that need an external service read its address through here. Locally a missing service
 * skips those tests (and says so); with CI=true it is an error, so CI can never pass by skipping.
 */
export function serviceAddress(variable: 'DATABASE_URL' | 'KAFKA_BROKERS'): string | undefined {
  const value = process.env[variable]
  if (value !== undefined && value !== '') return value
  if (process.env.CI === 'true') {
    throw new Error(
      `${variable} is not set: CI must start this service (see .ci/run) instead of skipping its tests`,
    )
  }
  console.warn(
    `[tests] ${variable} is not set: skipping tests that need it (start it with infra/dev/*.sh)`,
  )
  return undefined
}
