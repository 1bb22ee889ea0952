"""active_users_7d(d): distinct users over the 7 days ending on d."""
import events

events.write("out", "actives.txt", len({event["user_hash"] for event in events.events("events")}))
