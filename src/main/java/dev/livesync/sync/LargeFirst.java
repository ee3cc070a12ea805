package dev.livesync.sync;

import dev.livesync.sync.TargetQueue.Task;
import java.util.List;

/**
 * Which waiting send of one large file starts ahead of the batches queued before it
 * ({@link TargetQueue#startable(int, long, long)}). A file at or above the large-file threshold
 * travels alone, and its run is the longest of a catch-up (a 76 MB file took 1.5–3 s where the
 * batches around it took under 2); started in its turn behind a backlog, it ran last, after every
 * batch had ended, and the target was equal only when it had. Started as soon as a worker is free,
 * it runs beside the batches still waiting. Only one that no earlier unfinished item claims a path
 * of ({@link PathClaims}) goes ahead, so the order of changes to any one path is kept.
 */
final class LargeFirst {
  private LargeFirst() {}

  /** The index of the first queued send of one file of at least {@code largeFile} bytes that may start at {@code now}, or -1: flags and sizes only. */
  static int waiting(List<Task> tasks, long now, long largeFile) {
    if (largeFile <= 0) return -1;
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      if (t.may(now) && t.item instanceof WorkItem.Send s && !s.recursive() && !s.attributesOnly()
          && s.paths().size() == 1 && s.bytes() >= largeFile) return i;
    }
    return -1;
  }
}
