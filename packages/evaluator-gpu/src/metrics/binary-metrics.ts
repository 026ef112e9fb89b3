/** Quality of a binary scorer on labelled data. */
export interface BinaryMetrics {
  precision: number
  recall: number
  f1: number
  falsePositiveRate: number
  auroc: number | null
  auprc: number | null
  support: number
  n: number
}

/**
 * Area under the ROC curve as the Mann-Whitney U statistic (ties count half); null when one class
 * is absent, since the area is undefined then.
 */
export function auroc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => a[0] - b[0])
  const positives = labels.filter((l) => l === 1).length
  const negatives = labels.length - positives
  if (positives === 0 || negatives === 0) return null
  let rankSum = 0
  for (let i = 0; i < order.length;) {
    let j = i
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) j += 1
    const averageRank = (i + 1 + j) / 2 // ranks i+1 … j share their mean
    for (let k = i; k < j; k += 1) if (order[k]?.[1] === 1) rankSum += averageRank
    i = j
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/** Average precision (scikit-learn's definition: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds). */
export function averagePrecision(
  scores: readonly number[],
  labels: readonly number[],
): number | null {
  const positives = labels.filter((l) => l === 1).length
  if (positives === 0) return null
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => b[0] - a[0])
  let tp = 0
  let seen = 0
  let previousRecall = 0
  let ap = 0
  for (let i = 0; i < order.length;) {
    let j = i
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) {
      tp += order[j]?.[1] === 1 ? 1 : 0
      j += 1
    }
    seen = j
    const recall = tp / positives
    ap += (recall - previousRecall) * (tp / seen)
    previousRecall = recall
    i = j
  }
  return ap
}

/** Precision, recall, F1 and false-positive rate at a threshold (score ≥ threshold is positive), plus AUROC and AUPRC. */
export function binaryMetrics(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): BinaryMetrics {
  let tp = 0
  let fp = 0
  let fn = 0
  let tn = 0
  scores.forEach((s, i) => {
    const positive = labels[i] === 1
    const predicted = s >= threshold
    if (predicted && positive) tp += 1
    else if (predicted) fp += 1
    else if (positive) fn += 1
    else tn += 1
  })
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    falsePositiveRate: fp + tn === 0 ? 0 : fp / (fp + tn),
    auroc: auroc(scores, labels),
    auprc: averagePrecision(scores, labels),
    support: tp + fn,
    n: scores.length,
  }
}
