// Detection delay and false alarms of the anomaly detectors on seeded synthetic streams: 10,000
// normal points, then a level shift of k σ. Prints JSON (and the README's Markdown table on stderr).
// `pnpm --filter @anansi/stream-processor bench:detectors`; test/detector-readme.test.ts holds the
// README to the same numbers.
import {
  DETECTOR_EXPERIMENT,
  experimentSentence,
  measureDetectorQuality,
  qualityTable,
} from './detector-quality.js'

const rows = measureDetectorQuality()
process.stderr.write(`${experimentSentence()}.\n\n${qualityTable(rows)}\n`)
process.stdout.write(
  `${JSON.stringify({ benchmark: 'anomaly detectors', experiment: DETECTOR_EXPERIMENT, settings: experimentSentence(), rows }, null, 2)}\n`,
)
