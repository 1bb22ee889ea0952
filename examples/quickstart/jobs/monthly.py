"""monthly_actives(m): the largest 7-day actives of the month."""
import os

import events

best = 0
for directory in events.partitions("days"):
    with open(os.path.join(directory, "actives.txt")) as actives:
        best = max(best, int(actives.read()))
events.write("out", "actives.txt", best)
