#!/usr/bin/env python3
"""Rewrites README.md's settings table from `runpod-autoscaler config-reference`."""
import subprocess
import sys

BEGIN = "<!-- config-reference:begin (make config-reference) -->"
END = "<!-- config-reference:end -->"

table = subprocess.run([sys.argv[1], "config-reference"], check=True, capture_output=True, text=True).stdout.strip()
with open("README.md") as f:
    text = f.read()
head, rest = text.split(BEGIN, 1)
_, tail = rest.split(END, 1)
with open("README.md", "w") as f:
    f.write(head + BEGIN + "\n" + table + "\n" + END + tail)
