/** The question every benchmark call asks. */
export const QUESTION = 'What is the capital of France, and what is it known for?'

/** Answers the calls return in turn: ordinary ones and a toxic one, so both verdicts occur. */
export const ANSWERS = [
  'The capital of France is Paris. It is known for the Eiffel Tower, the Louvre and its cafés.',
  'Paris is the capital of France; it has been the seat of government for centuries.',
  'You are a worthless idiot and I hope you die, you disgusting piece of trash.',
  'France’s capital is Paris, famous for art, fashion, food and the river Seine.',
] as const
