/** Maximum number of events in one `POST /v1/events` batch. */
export const MAX_EVENTS_PER_BATCH = 500

/** Maximum size of one event, measured as the UTF-8 bytes of its JSON serialisation. */
export const MAX_EVENT_BYTES = 256 * 1024

/** Maximum size of a whole batch request body (decompressed), in bytes. */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024

/** Maximum length of identifiers such as model, session and user ids, in characters. */
export const MAX_ID_CHARS = 256

/** Maximum number of tags on one event. */
export const MAX_TAGS = 32

/** Maximum length of one tag, in characters. */
export const MAX_TAG_CHARS = 64

/** Maximum number of messages in a conversation input or output. */
export const MAX_MESSAGES = 1_000

/** Maximum number of retrieval-context documents on one event. */
export const MAX_CONTEXT_DOCUMENTS = 64

/** Maximum number of top-level metadata keys. */
export const MAX_METADATA_KEYS = 64

/** Maximum time a caller may ask the server to hold a verdict long-poll, in milliseconds. */
export const MAX_GATE_TIMEOUT_MS = 30_000
