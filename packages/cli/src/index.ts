export { runDev, type Print } from './commands/dev.js'
export { runStart, type Role } from './commands/start.js'
export {
  ConfigError,
  DEFAULT_PORT,
  readDistributedConfig,
  readEmbeddedConfig,
  type DistributedConfig,
  type EmbeddedConfig,
} from './config.js'
export {
  DEFAULT_PROJECT_SLUG,
  ensureDefaultProject,
  type DefaultProject,
} from './default-project.js'
export {
  startPlatform,
  type PlatformOptions,
  type PlatformRoles,
  type RunningPlatform,
} from './platform/platform.js'
export { runMigrate } from './commands/migrate.js'
export { runKeys } from './commands/keys.js'
export { runEvaluate } from './commands/evaluate.js'
export { runTail } from './commands/tail.js'
export { EXIT } from './commands/exit-codes.js'
