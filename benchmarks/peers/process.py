"""Times a whole process, as a user runs it (startup, imports, loading, work, writing):

  python process.py RUNS COMMAND ARG...   -> "process BEST_SECONDS PEAK_MB"

the best wall-clock time of RUNS runs and the largest peak resident set size among them. The
command's output is discarded; a failing command fails this script.
"""
import resource
import subprocess
import sys
import time

runs = int(sys.argv[1])
command = sys.argv[2:]
best = float("inf")
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    best = min(best, time.perf_counter() - start)
print("process", best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
