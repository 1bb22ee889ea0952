"""clean(d, r): replaces each event's user_id by a salted hash (removes pii)."""
import hashlib
import json
import os
import sys

SALT = b"quickstart-salt"

source = os.path.join(os.environ["DATABUILD_IN_RAW"], "events.jsonl")
target = os.path.join(os.environ["DATABUILD_OUT_CLEAN"], "events.jsonl")
with open(source) as raw, open(target, "w") as clean:
    for line in raw:
        event = json.loads(line)
        user_hash = hashlib.sha256(SALT + event.pop("user_id").encode()).hexdigest()[:16]
        clean.write(json.dumps({"user_hash": user_hash, **event}) + "\n")
print("cleaned", source, "for", " ".join(sys.argv[1:]))
