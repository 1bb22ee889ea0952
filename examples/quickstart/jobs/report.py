"""report(d): events per kind over every region of one day."""
import collections
import sys

import events

counts = collections.Counter(event["event"] for event in events.events("events"))
lines = "".join(f"{kind}\t{count}\n" for kind, count in sorted(counts.items()))
events.write("out", "report.tsv", f"# customer report for {sys.argv[1]}\n{lines}".rstrip())
