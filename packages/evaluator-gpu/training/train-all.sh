#!/usr/bin/env bash
# One command for every model of @anansi/evaluator: the lexical tier, then the semantic tier
# (which reuses the lexical tier's loaders and split). Creates each tier's pinned virtualenv on
# first use. CI never runs this; the outputs (models/, eval-data/, fixtures/) are committed.
#
#   training/train-all.sh              everything: lexical (~8 min), backbone export + heads
#                                      (~35 min with a cold embedding cache, ~6 min warm)
#   training/train-all.sh --heads      keep the committed MiniLM backbone, retrain the heads
#   training/train-all.sh --dry-run    print the steps without running them
#
# Datasets: found by walking up to shared/datasets/MANIFEST.md, or set ANANSI_DATASETS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lexical="$here"
semantic="$(cd "$here/../training-semantic" && pwd)"
heads_only=false
dry_run=false
for arg in "$@"; do
  case "$arg" in
    --heads) heads_only=true ;;
    --dry-run) dry_run=true ;;
    --) ;; # pnpm passes its argument separator through
    -h | --help)
      sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "train-all.sh: unknown option $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

run() {
  echo "+ (cd ${PWD#"$(dirname "$here")/"}) $*" >&2
  if [ "$dry_run" = false ]; then "$@"; fi
}

# A tier's virtualenv with its pinned requirements (pip is a no-op when they are already met).
venv() {
  local dir="$1"
  cd "$dir"
  [ -x .venv/bin/python ] || run python3 -m venv .venv
  run .venv/bin/pip install --quiet -r requirements.txt
}

started=$SECONDS
venv "$lexical"
run .venv/bin/python -m anansi_training.train --all
run .venv/bin/python tests/test_artifacts.py
echo "[train-all] lexical tier done in $((SECONDS - started)) s" >&2

venv "$semantic"
if [ "$heads_only" = true ]; then
  run env HF_HUB_OFFLINE=1 .venv/bin/python run_all.py --heads
else
  run env HF_HUB_OFFLINE=1 .venv/bin/python run_all.py
fi
echo "[train-all] all tiers done in $((SECONDS - started)) s; now run: pnpm --filter @anansi/evaluator eval" >&2
