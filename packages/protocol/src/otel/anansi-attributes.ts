/** The attribute the Anansi SDK puts on its own spans: they are events already, never re-imported. */
export const ANANSI_EVENT_ID_ATTRIBUTE = 'anansi.event.id'

/** An attribute an application may set on a GenAI span (or its resource) to choose the event's category. */
export const ANANSI_CATEGORY_ATTRIBUTE = 'anansi.category'
