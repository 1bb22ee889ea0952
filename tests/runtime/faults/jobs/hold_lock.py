# hold_lock.py CATALOG: takes the catalog's write lock (BEGIN IMMEDIATE), says
# so by creating the file `locked`, and holds it until the file `release`
# appears (or HOLD_SECONDS pass, when set), then commits; run as a job, it
# then writes its output.
import os, sqlite3, sys, time

db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
db.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
deadline = time.monotonic() + float(os.environ.get("HOLD_SECONDS", "600"))
while not os.path.exists("release") and time.monotonic() < deadline:
    time.sleep(0.05)
db.execute("COMMIT")
if "DATABUILD_OUT_OUT" in os.environ:
    with open(os.path.join(os.environ["DATABUILD_OUT_OUT"], "part-0"), "w") as out:
        out.write("held\n")
