import { scenarioMessages, type ChatMessage, type Scenario } from '../scenarios/scenario.js'
import type { Strategy, StrategyContext } from './strategies.js'

/** One request of a suite: a scenario after one strategy (chain). */
export interface TestCase {
  scenario: Scenario
  strategy: string
  messages: ChatMessage[]
}

/** Which scenarios strategies are applied to. */
export type StrategyScope = 'refuse' | 'all'

/**
 * Expands scenarios × strategies. By default strategies apply to `refuse` scenarios only (they
 * are attacks); other scenarios are sent as written. A strategy list without `none` leaves out
 * the baseline for attacked scenarios.
 */
export function buildCases(
  scenarios: readonly Scenario[],
  strategies: readonly Strategy[],
  context: StrategyContext,
  scope: StrategyScope = 'refuse',
): TestCase[] {
  const cases: TestCase[] = []
  for (const scenario of scenarios) {
    const base = scenarioMessages(scenario)
    const attacked = scope === 'all' || scenario.expected === 'refuse'
    const chosen = attacked && strategies.length > 0 ? strategies : undefined
    if (chosen === undefined) {
      cases.push({ scenario, strategy: 'none', messages: base })
      continue
    }
    for (const strategy of chosen)
      cases.push({ scenario, strategy: strategy.name, messages: strategy.apply(base, context) })
  }
  return cases
}
