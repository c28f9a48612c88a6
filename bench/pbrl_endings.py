"""How a `sandbox pbrl` run's queries showed the lander's endings: read off its label store.

Usage (from the repository root):
  python3 bench/pbrl_endings.py RUN [RUN ...]
RUN is a run folder of `sandbox pbrl --task LunarLanderContinuous-v1` (its labels.db), or a label store.
For each it prints the stored episodes that landed and crashed (the task's `landing` and `crash` reward
terms), and the queries with a segment that reaches a landing or a crash (a segment shows an ending when
it runs to its episode's last step), per round and in all. The store is opened read-only.
"""
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path


def store_path(argument):
    path = Path(argument)
    if path.is_dir():
        path = path / "labels.db"
    if not path.exists():
        sys.exit(f"pbrl_endings.py: no label store at {path}; pass a `sandbox pbrl` run folder or its labels.db")
    return path


def ending(record):
    """'landing', 'crash' or None for an episode record (the lander's terms)."""
    if not record.get("terminated"):
        return None
    terms = record.get("term_sums", {})
    if terms.get("landing", 0) > 0:
        return "landing"
    if terms.get("crash", 0) < 0:
        return "crash"
    return "ended"


def report(argument):
    path = store_path(argument)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    endings = {}
    lengths = {}
    for episode_id, text in connection.execute("SELECT id, record FROM episodes"):
        record = json.loads(text)
        endings[episode_id] = ending(record)
        lengths[episode_id] = record["length"]
    segments = {sid: (episode, start, length) for sid, episode, start, length
                in connection.execute("SELECT id, episode_id, start, length FROM segments")}

    def shown(segment_id):
        episode, start, length = segments[segment_id]
        return endings[episode] if start + length >= lengths[episode] else None

    per_round = {}
    for first, second, round_number in connection.execute("SELECT first_segment, second_segment, round FROM queries WHERE kind = 'pair'"):
        shows = {shown(first), shown(second)}
        counts = per_round.setdefault(round_number, Counter())
        counts["queries"] += 1
        for kind in ("landing", "crash"):
            if kind in shows:
                counts[kind] += 1
    stored = Counter(e for e in endings.values())
    total = sum(per_round.values(), Counter())
    print(f"{argument}: {len(endings)} stored episodes, {stored['landing']} landed, {stored['crash']} crashed; "
          f"{total['queries']} queries, {total['landing']} showing a landing, {total['crash']} showing a crash")
    for round_number in sorted(per_round):
        c = per_round[round_number]
        print(f"  round {round_number}: {c['queries']} queries, {c['landing']} landing, {c['crash']} crash")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for run in sys.argv[1:]:
        try:
            report(run)
        except (sqlite3.Error, json.JSONDecodeError, KeyError) as error:
            sys.exit(f"pbrl_endings.py: {run} is not a readable `sandbox pbrl` label store ({error}); pass the run folder `sandbox pbrl` printed")
