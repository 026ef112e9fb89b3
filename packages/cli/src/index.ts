export { runDev, type Print } from './commands/dev.js'
export { readEmbeddedConfig, type EmbeddedConfig } from './config.js'
export {
  DEFAULT_PROJECT_SLUG,
  ensureDefaultProject,
  type DefaultProject,
} from './default-project.js'
