"""Triage latency and throughput on one core, and FAQ accuracy on several providers' knowledge bases.

Messages are the labelled test sets (tests/faq/data) varied the way people type: caps, missing
accents, a swapped or doubled letter, an emoji, so the fuzzy paths run instead of only cached
exact hits. Each call is timed twice: by the thread's CPU clock (the cost on one core, which
other processes on a busy machine cannot inflate) and by the wall clock (which they can).
Prints what it measures; the last line is one JSON object with p50_ms, p99_ms and per_s
(default knowledge base) and p99_ms_1000 (generated 1,000-entry knowledge base), all from the
CPU clock, plus the wall-clock p99s for comparison, and the FAQ matcher's accuracy: `faq_top1`
and `faq_abstain`, the worst over the test knowledge bases under tests/faq/kbs of their
`fresh3.jsonl` questions (written blind to the matcher before its last changes, never tuned on;
top 1: answerable questions whose top entry, answered or first suggested, is right; abstain:
out-of-scope questions not answered), `faq_worst` the lower of the two, the same figures per
knowledge base and for the packaged one (`faq_per_kb`), on the earlier blind sets, which have
since been tuned on (`faq_fresh2_per_kb`, `faq_fresh_per_kb`), and on the held-out questions
(`faq_heldout_per_kb`), and
`faq_learning_top1`: top 1 on other customers' wordings of streamhub's missed questions before
and after the misses are learned as agents' answers approved by a manager.

    python bench/triage.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from escalation.domain import Tier  # noqa: E402
from escalation.policy import Policy, load_policy  # noqa: E402
from faq.evaluation import Scores, evaluate, read_rows  # noqa: E402
from faq.knowledge import KnowledgeBase, load_knowledge_base, parse_knowledge_base  # noqa: E402
from faq.matcher import FaqMatcher  # noqa: E402
from faq.triage import Triage  # noqa: E402

DATA = ROOT / "tests" / "faq" / "data"
KBS = ROOT / "tests" / "faq" / "kbs"
EMOJI = ("😡", "🙏", "😭", "👍", "⚽", "")
TIERS = (None, Tier.BASIC, Tier.STANDARD, Tier.PREMIUM)


def base_messages() -> list[str]:
    """The texts of the labelled sets, plus a few long and noisy ones."""
    texts = []
    for name in ("triage_extra.jsonl", "faq_queries.jsonl"):
        path = DATA / name
        if path.exists():
            texts += [
                json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line
            ]
    texts += [
        "boa noite, estou tentando assistir o jogo desde as oito e o aplicativo fica carregando e "
        "depois aparece uma mensagem de erro, já reiniciei o roteador e a tv, o que eu faço?",
        "<b>oi</b> &amp; tudo bem? queria saber se vocês têm o canal da globo em HD e quanto custa",
        "ok",
        "👍",
    ]
    return texts


def vary(text: str, rng: random.Random) -> str:
    """`text` as someone in a hurry might type it."""
    if rng.random() < 0.3:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if rng.random() < 0.2:
        text = text.upper()
    words = text.split()
    if words and rng.random() < 0.5:
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) > 3:
            j = rng.randrange(len(word) - 1)
            word = (
                word[:j] + word[j + 1] + word[j] + word[j + 2 :]
                if rng.random() < 0.5
                else word + word[-1] * 2
            )
        words[i] = word
    return " ".join(words) + rng.choice(EMOJI)


def generated_kb(size: int, rng: random.Random) -> KnowledgeBase:
    """A knowledge base of `size` entries built from the default one's words, recombined."""
    default = load_knowledge_base()
    pools = {lang: [q for e in default for q in e.questions.get(lang, ())] for lang in ("pt", "en", "es")}
    vocab = {lang: sorted({w for q in qs for w in q.split()}) for lang, qs in pools.items()}
    entries = []
    for n in range(size):
        questions = {
            lang: [
                " ".join(rng.sample(vocab[lang], rng.randint(3, 7))) + f" item{n} {rng.choice(pools[lang])}"
                for _ in range(3)
            ]
            for lang in vocab
        }
        entries.append(
            {"id": f"gen-{n}", "questions": questions, "answer": {"pt": "x", "en": "x", "es": "x"}}
        )
    return parse_knowledge_base({"entries": entries}, "generated")


def accuracy(split: str) -> dict[str, Scores]:
    """The matcher's figures on the packaged knowledge base and on each test one's `split` questions."""
    figures = {"default": evaluate(FaqMatcher(load_knowledge_base()), read_rows(DATA / "faq_queries.jsonl"))}
    for folder in sorted(path for path in KBS.iterdir() if path.is_dir()):
        matcher = FaqMatcher(load_knowledge_base(folder / "faq.yaml"))
        figures[folder.name] = evaluate(matcher, read_rows(folder / f"{split}.jsonl"))
    return figures


def per_kb(figures: dict[str, Scores]) -> dict[str, dict[str, float]]:
    """Top 1, answered and abstention of each knowledge base, rounded for the JSON line."""
    return {
        name: {"top1": round(s.top1, 3), "answered": round(s.answered, 3), "abstain": round(s.abstain, 3)}
        for name, s in figures.items()
    }


def learning(policy: Policy) -> tuple[float, float, int]:
    """Top 1 on other customers' wordings (streamhub's second.jsonl) before and after learning the misses.

    The misses of the tuning and held-out questions are what agents would answer with an entry;
    approved, they reach triage as `Triage.learn` gets them from Redis (`handlers.faq_answers`).
    """
    folder = KBS / "streamhub"
    triage = Triage(policy, load_knowledge_base(folder / "faq.yaml"))
    second = read_rows(folder / "second.jsonl")
    before = evaluate(triage.matcher, second).top1
    misses = [
        row
        for split in ("tune", "heldout")
        for row in evaluate(triage.matcher, read_rows(folder / f"{split}.jsonl")).misses
    ]
    triage.learn((str(row["faq_id"]), str(row["lang"]), str(row["text"])) for row in misses)
    return before, evaluate(triage.matcher, second).top1, len(misses)


def measure(triage: Triage, messages: list[str], rng: random.Random) -> tuple[list[float], list[float]]:
    """Milliseconds per classify call (CPU clock, wall clock), one message after another."""
    cpu, wall = [], []
    for text in messages:
        tier = rng.choice(TIERS)
        wall_start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
        triage.classify(text, None, tier)
        cpu.append((time.thread_time_ns() - cpu_start) / 1e6)
        wall.append((time.perf_counter_ns() - wall_start) / 1e6)
    return cpu, wall


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    """Run the benchmark and print its figures, the JSON summary last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds")
    args = parser.parse_args()
    rng = random.Random(7)
    count = 4_000 if args.quick else 40_000
    policy = load_policy()
    bases = base_messages()
    messages = [vary(rng.choice(bases), rng) for _ in range(count)]

    started = time.perf_counter()
    triage = Triage.load(None, policy)
    built = time.perf_counter() - started
    print(f"default knowledge base: {len(triage.knowledge)} entries, built in {built:.2f}s")
    measure(triage, messages[:200], rng)
    timings, wall = measure(triage, messages, rng)
    p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
    per_s = count / (sum(timings) / 1000)
    print(
        f"  {count} messages, CPU clock: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {max(timings):.3f} ms, "
        f"mean {statistics.fmean(timings):.3f} ms, {per_s:.0f} messages/s"
    )
    print(
        f"  wall clock: p50 {percentile(wall, 0.5):.3f} ms, p99 {percentile(wall, 0.99):.3f} ms, "
        f"{count / (sum(wall) / 1000):.0f} messages/s"
    )

    started = time.perf_counter()
    big = Triage(policy, generated_kb(1000, rng))
    built = time.perf_counter() - started
    print(f"generated knowledge base: {len(big.knowledge)} entries, built in {built:.2f}s")
    big_count = count // 4
    measure(big, messages[:200], rng)
    big_timings, big_wall = measure(big, messages[:big_count], rng)
    p99_big = percentile(big_timings, 0.99)
    p50_big = percentile(big_timings, 0.5)
    print(
        f"  {big_count} messages, CPU clock: p50 {p50_big:.3f} ms, p99 {p99_big:.3f} ms, "
        f"max {max(big_timings):.3f} ms"
    )
    print(f"  wall clock: p50 {percentile(big_wall, 0.5):.3f} ms, p99 {percentile(big_wall, 0.99):.3f} ms")

    figures, fresh2 = accuracy("fresh3"), accuracy("fresh2")
    fresh, held_out = accuracy("fresh"), accuracy("heldout")
    splits = (("fresh3", figures), ("fresh2", fresh2), ("fresh", fresh), ("held-out", held_out))
    for split, measured in splits:
        print(f"FAQ accuracy ({split} questions; the packaged knowledge base on its labelled set):")
        for name, scores in measured.items():
            print(
                f"  {name:10} top1 {scores.top1:.3f} answered {scores.answered:.3f} abstain "
                f"{scores.abstain:.3f} ({scores.answerable} answerable, {scores.out_of_scope} out of scope)"
            )
    before, after, taught = learning(policy)
    print(
        f"learning from agents (streamhub): {taught} misses approved, "
        f"top1 on other wordings {before:.3f} -> {after:.3f}"
    )
    providers = [scores for name, scores in figures.items() if name != "default"]
    faq_top1 = min(scores.top1 for scores in providers)
    faq_abstain = min(scores.abstain for scores in providers)

    summary = {
        "p50_ms": round(p50, 4),
        "p99_ms": round(p99, 4),
        "per_s": round(per_s),
        "p99_ms_1000": round(p99_big, 4),
        "clock": "thread CPU time",
        "wall_p99_ms": round(percentile(wall, 0.99), 4),
        "wall_p99_ms_1000": round(percentile(big_wall, 0.99), 4),
        "faq_top1": round(faq_top1, 3),
        "faq_abstain": round(faq_abstain, 3),
        "faq_worst": round(min(faq_top1, faq_abstain), 3),
        "faq_learning_top1": [round(before, 3), round(after, 3)],
        "faq_per_kb": per_kb(figures),
        "faq_fresh2_per_kb": per_kb(fresh2),
        "faq_fresh_per_kb": per_kb(fresh),
        "faq_heldout_per_kb": per_kb(held_out),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
