package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The source's top-level names that changed live (seen by the watch, after the start began) while a
 * start's look at a target's top level ({@link TopLevelCheck}) is still to come. A difference at the
 * target in such a name is no sign that the target changed while livesync was stopped: the change's
 * own item is on its way (a file written at the top during the start is missing at the target until
 * it arrives). Recorded on the engine's loop thread, read on a worker; it stops recording, and
 * forgets, once every check has looked (and once the start has queued them all).
 */
final class LiveTopLevel {
  private final Set<BytePath> names = ConcurrentHashMap.newKeySet();
  /** The checks still to look, plus one until the start has queued them all. */
  private final AtomicInteger waiting = new AtomicInteger(1);
  private volatile boolean recording = true;

  boolean recording() {
    return recording;
  }

  /** {@code rel}: a changed path relative to the source; its first name is recorded. */
  void changed(byte[] rel) {
    int slash = 0;
    while (slash < rel.length && rel[slash] != '/') slash++;
    names.add(BytePath.unsafeWrap(slash == rel.length ? rel : Arrays.copyOf(rel, slash)));
  }

  boolean changed(BytePath top) {
    return names.contains(top);
  }

  /** One more check will look. */
  void expect() {
    waiting.incrementAndGet();
  }

  /** A check looked, or (once) the start queued every check: when none is left, recording stops. */
  void looked() {
    if (waiting.decrementAndGet() > 0) return;
    recording = false;
    names.clear();
  }
}
