"""Baseline: CPython threading + queue.Queue, 1 producer 1 consumer, integers.
Prints items/s on one line. Usage: python3 python-queue.py TOTAL CAPACITY"""
import queue
import sys
import threading
import time

total, capacity = int(sys.argv[1]), int(sys.argv[2])
q = queue.Queue(capacity)
SENTINEL = object()
seen = bytearray(total)


def produce():
    for i in range(total):
        q.put(i)
    q.put(SENTINEL)


def consume():
    while (item := q.get()) is not SENTINEL:
        seen[item] += 1


threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
ok = all(b == 1 for b in seen)
print(f"{total / elapsed:.0f} {'ok' if ok else 'BAD'}")
