import { verdictPolicySchema } from '@anansi/evaluator'
import { componentRef, projectSettingsSchema, type ProjectInfo } from '@anansi/protocol'
import type { Project, Store } from '@anansi/store'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { AUTH_ERRORS, BODY_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { parseOr400 } from '../http/validate.js'

// The processor validates the stored policy with this same schema, so whatever is accepted here
// is what gates the project's events. `null` removes the policy: the processor's default applies.
const settingsBody = z.strictObject({
  policy: verdictPolicySchema
    .nullable()
    .describe('the verdict policy (defaults filled in); null restores the default policy'),
})

const projectInfo = {
  content: { 'application/json': { schema: componentRef('projectInfo') } },
}

/** The protocol's view of a stored project. */
function toProjectInfo(project: Project): ProjectInfo {
  return {
    id: project.id,
    slug: project.slug,
    name: project.name,
    createdAt: project.createdAt.toISOString(),
    settings: projectSettingsSchema.parse(project.settings),
  }
}

function missing(): ApiError {
  return new ApiError(404, 'not_found', 'the project of this key no longer exists')
}

/** GET /v1/project (read) and PATCH /v1/project/settings (admin): the key's own project. */
export function projectRoutes(store: Store): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/project',
    summary: "The key's project with its settings",
    security: [{ bearer: [] }],
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'The project', ...projectInfo },
      404: errorResponse('The project no longer exists'),
    },
  })
  app.get('/v1/project', requireScope('read'), async (c) => {
    const project = await store.getProject(c.get('auth').projectId)
    if (project === undefined) throw missing()
    return c.json(toProjectInfo(project), 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/v1/project/settings',
    summary: "Set or remove the project's verdict policy",
    description:
      'Replaces `settings.policy` (other settings sections are kept). Takes effect in the ' +
      'stream processor within its settings cache time.',
    security: [{ bearer: [] }],
    request: {
      body: { content: { 'application/json': { schema: settingsBody } }, required: true },
    },
    responses: {
      ...BODY_ERRORS,
      200: { description: 'The project with its new settings', ...projectInfo },
      404: errorResponse('The project no longer exists'),
    },
  })
  app.patch('/v1/project/settings', requireScope('admin'), async (c) => {
    const body = parseOr400(settingsBody, await readJsonBody(c, 64 * 1024), 'body')
    const updated = await store.updateProjectSettings(c.get('auth').projectId, {
      policy: body.policy,
    })
    if (updated === undefined) throw missing()
    return c.json(toProjectInfo(updated), 200)
  })
  return app
}
