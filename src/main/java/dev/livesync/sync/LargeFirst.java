package dev.livesync.sync;

import dev.livesync.sync.TargetQueue.Task;
import java.util.Arrays;
import java.util.List;

/**
 * Which waiting send of one large file starts ahead of the batches queued before it
 * ({@link TargetQueue#startable(int, long, long)}). A file at or above the large-file threshold
 * travels alone, and its run is the longest of a catch-up (a 76 MB file took 1.5–3 s where the
 * batches around it took under 2); started in its turn behind a backlog, it ran last, after every
 * batch had ended, and the target was equal only when it had. Started as soon as a worker is free,
 * it runs beside the batches still waiting. Only one that no earlier unfinished item claims a path
 * of ({@link PathClaims}) goes ahead, so the order of changes to any one path is kept.
 *
 * <p>Such a file is often queued twice: once when its creation is read (before the writer's first
 * write; {@link Coalescer}), once at its close_write. Behind a backlog neither had started when the
 * second came, so both ran after the file was whole: the same 76 MB twice, the second last of the
 * catch-up. The later of two waiting sends of the same large file is dropped into the earlier
 * ({@link #dropRepeats}), as {@link WaitingSends} folds a small file queued twice.
 */
final class LargeFirst {
  private LargeFirst() {}

  /**
   * The index of the first queued send of one file of at least {@code largeFile} bytes that may start
   * at {@code now}, or -1; -1 too while such a send runs: one worker at most goes to large files out of
   * turn, so that small files never wait behind a row of them. Flags and sizes only.
   */
  static int waiting(List<Task> tasks, long now, long largeFile) {
    if (largeFile <= 0) return -1;
    int first = -1;
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      if (!(t.item instanceof WorkItem.Send s) || s.recursive() || s.attributesOnly() || s.paths().size() != 1 || s.bytes() < largeFile) continue;
      if (!t.queued()) return -1;
      if (first < 0 && t.may(now)) first = i;
    }
    return first;
  }

  /**
   * Drops each waiting send of one large file that an earlier waiting send of the same file, with no
   * item between them on its paths ({@link PathClaims}), covers: the earlier one reads the file when it
   * starts, after every change the later one was queued for. The earlier takes over the later's
   * journal records and its place in the order ({@link TargetQueue#coveredByCopies}). Returns the
   * change in queued paths.
   */
  static long dropRepeats(List<Task> tasks, long now, long largeFile) {
    long delta = 0;
    for (int i = 0; i < tasks.size(); i++) {
      Task first = tasks.get(i);
      if (!alone(first, now, largeFile)) continue;
      byte[] path = ((WorkItem.Send) first.item).paths().getFirst();
      for (int j = i + 1; j < tasks.size(); j++) {
        Task t = tasks.get(j);
        if (!alone(t, now, largeFile) || !Arrays.equals(path, ((WorkItem.Send) t.item).paths().getFirst())) continue;
        var between = new PathClaims(); // built only for a repeat: the queue's claims cost O(queued paths)
        for (int k = i + 1; k < j; k++) between.add(tasks.get(k).item);
        if (between.conflicts(t.item)) break;
        first.alsoDone.add(t.seq);
        first.alsoDone.addAll(t.alsoDone);
        first.order = Math.max(first.order, t.order);
        tasks.remove(j--);
        delta--;
      }
    }
    return delta;
  }

  /** A queued first attempt of a plain send of one file of at least {@code largeFile} bytes that may start at {@code now}. */
  private static boolean alone(Task t, long now, long largeFile) {
    return t.may(now) && t.attempts == 0 && !t.startup && t.gone == null && t.item instanceof WorkItem.Send s
        && !s.recursive() && !s.attributesOnly() && s.paths().size() == 1 && s.bytes() >= largeFile;
  }
}
