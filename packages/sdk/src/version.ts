/** The SDK's name as it appears in every event's `sdk` field. */
export const SDK_NAME = '@anansi/sdk'

/** The SDK's version; a test keeps it equal to package.json's. */
export const SDK_VERSION = '0.1.0'
