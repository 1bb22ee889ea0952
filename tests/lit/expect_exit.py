#!/usr/bin/env python3
"""Runs a command and succeeds only if it exits with the given status.

lit's `not` only tells zero from non-zero; DataBuild's exit statuses (0 clean,
1 problems, 2 could not run) need the exact value. Usage: expect_exit.py N CMD...
"""
import subprocess
import sys

expected = int(sys.argv[1])
status = subprocess.call(sys.argv[2:])
if status != expected:
    sys.stderr.write(f"expect_exit: {sys.argv[2]} exited {status}, expected {expected}\n")
    sys.exit(1)
