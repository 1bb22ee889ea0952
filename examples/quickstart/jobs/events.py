"""Helpers for the quickstart jobs: read the events of the partitions a port lists."""
import json
import os


def partitions(port):
    """The directories of an input port: one path, or a file listing paths."""
    path = os.environ["DATABUILD_IN_" + port.upper()]
    if os.path.isdir(path):
        return [path]
    with open(path) as listing:
        return [line.strip() for line in listing if line.strip()]


def events(port):
    for directory in partitions(port):
        with open(os.path.join(directory, "events.jsonl")) as lines:
            for line in lines:
                yield json.loads(line)


def write(port, name, value):
    with open(os.path.join(os.environ["DATABUILD_OUT_" + port.upper()], name), "w") as out:
        out.write(str(value) + "\n")
