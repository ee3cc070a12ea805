# The outside writer of `livesync bench --outside-writer`: a process of its own, in another language,
# writing files the way an application does, not the way the JVM's own load generator does.
# argv: ROOT RATE SECONDS MIN_SIZE MAX_SIZE PER_DIR STALL_EVERY STALL
# Every STALL_EVERY seconds it stops for STALL seconds (as under I/O pressure or a GC pause) and then
# catches up as fast as it can, so the files arrive in bursts. Prints `#start TAB ns` when it begins
# writing, then one line per closed file:
# relative path, TAB, CLOCK_MONOTONIC nanoseconds at close (the clock of Java's System.nanoTime), TAB, size.
import os, random, sys, time

root, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
min_size, max_size, per_dir = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
stall_every, stall = float(sys.argv[7]), float(sys.argv[8])
rnd = random.Random(42)
noise = rnd.randbytes(1 << 20)
total = round(rate * seconds)
out = []
start = time.monotonic()
out.append("#start\t%d\n" % time.monotonic_ns())
next_stall = start + stall_every if stall_every > 0 else float("inf")
n = 0
while n < total:
    now = time.monotonic()
    if now >= next_stall:
        time.sleep(stall)
        next_stall += stall_every
        continue
    due = min(total, int((now - start) * rate) + 1)
    while n < due:
        d = "d%05d" % (n // per_dir)
        if n % per_dir == 0:
            os.makedirs(os.path.join(root, d), exist_ok=True)
        rel = "%s/f%d.dat" % (d, n)
        size = rnd.randint(min_size, max_size)
        head = str(n).encode()
        off = rnd.randrange(len(noise) - size)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(head)
            f.write(noise[off:off + size - len(head)])
        out.append("%s\t%d\t%d\n" % (rel, time.monotonic_ns(), size))
        n += 1
    wait = start + n / rate - time.monotonic()
    if wait > 0:
        time.sleep(wait)
sys.stdout.write("".join(out))
