package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.CommonDir;
import dev.livesync.sync.TargetQueue.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Queued sends merged into fewer. After an outage ({@link #afterOutage}) all of a target's queued
 * batches — each an rsync of its own, and those touching the same trees one after another — become
 * one send of all their plain paths, one of the touched and one of all their trees (measured: 60 s
 * down under 1,000 ops/s left ~60 batches that took 30 s to replay, most of it the per-run cost of
 * batches that found nothing left to send). A send reconciles its paths with the source as it is
 * now, so the order among sends does not matter.
 *
 * <p>While running ({@link #fold}), batches that wait for a worker or a {@link TransferSlots} slot
 * are folded into fewer before one starts: each rsync run costs about as much to start as a few hundred small files to send, so a
 * target that is behind catches up in fewer, larger runs instead of one run per 200 ms batch.
 *
 * <p>Only plain sends fold (not trees, attribute-only sends, a file above the large-file threshold
 * sent alone, retries, a start's own items, or sends narrowed for a vanished parent), and only runs of them that stand
 * next to each other in the queue and do not nest (a directory in one, a path below it in another): nothing moves past a rename, a full sync or a running item, so
 * the path claims ({@link PathClaims}) order the folded send exactly as they ordered its parts. A
 * folded send keeps the batch limits. It takes over its parts' journal records (closed when it has
 * arrived) and the latest of their places in the queue's order ({@link TargetQueue#coveredByCopies}
 * then never drops a path queued after a copy read the source).
 */
final class WaitingSends {
  /** The batch limits a folded send keeps, and the size of a file that travels alone. */
  record Limits(int maxPaths, long maxBytes, long largeFile) {}

  private WaitingSends() {}

  /**
   * Folds the runs of waiting plain sends in {@code tasks}; returns the change in queued paths
   * (duplicates drop out). A send that an earlier item's paths hold back ({@link PathClaims}) stays
   * as it is, and so does one that could start beside those: none is folded into one that waits.
   */
  static long fold(List<Task> tasks, long now, Limits limits) {
    int last = lastPairStart(tasks, now, limits);
    if (last < 0) return 0;
    int after = tasks.size() - 1 - last; // items no fold reaches: their claims are not needed
    long delta = 0;
    var claims = new PathClaims(); // what the items before the one looked at touch
    for (int i = 0; i < tasks.size() - after && !claims.all(); i++) {
      Task t = tasks.get(i);
      if (!joins(t, now, limits, claims)) {
        claims.add(t.item);
        continue;
      }
      int end = i + 1;
      var first = (WorkItem.Send) t.item;
      long paths = first.paths().size(), bytes = first.bytes();
      var named = new PrefixSet();
      var above = new PrefixSet();
      var split = new PrefixSet.Split();
      add(first, named, above, split);
      while (end < tasks.size() && joins(tasks.get(end), now, limits, claims)) {
        var s = (WorkItem.Send) tasks.get(end).item;
        if (paths + s.paths().size() > limits.maxPaths() || bytes + s.bytes() > limits.maxBytes() || nests(s, named, above, split)) break;
        paths += s.paths().size();
        bytes += s.bytes();
        add(s, named, above, split);
        end++;
      }
      for (int k = i; k < end; k++) claims.add(tasks.get(k).item);
      if (end - i >= 2) delta += foldRange(tasks, i, end);
    }
    return delta;
  }

  /**
   * Where the last two neighbours that could fold by themselves begin (both foldable, within the
   * limits together), or -1: a check of flags and sizes only. A run that folds holds such a pair, so
   * nothing after the last one folds, and with none (a queue of full batches, as a fast {@code tar x}
   * leaves) the claims of the whole queue are not built for nothing.
   */
  private static int lastPairStart(List<Task> tasks, long now, Limits limits) {
    for (int i = tasks.size() - 2; i >= 0; i--) {
      if (tasks.get(i + 1).paths() + tasks.get(i).paths() > limits.maxPaths()) continue;
      if (!(tasks.get(i).item instanceof WorkItem.Send a) || !(tasks.get(i + 1).item instanceof WorkItem.Send b)) continue;
      if (a.bytes() + b.bytes() <= limits.maxBytes() && foldable(tasks.get(i + 1), now, limits) && foldable(tasks.get(i), now, limits)) return i;
    }
    return -1;
  }

  private static boolean joins(Task t, long now, Limits limits, PathClaims claims) {
    return foldable(t, now, limits) && !claims.conflicts(t.item);
  }

  private static void add(WorkItem.Send s, PrefixSet named, PrefixSet above, PrefixSet.Split split) {
    for (byte[] p : s.paths()) {
      named.add(split.of(p));
      above.addAncestors(split);
    }
  }

  /**
   * Whether a path of {@code s} lies above or below (not at) one already {@code named}: such a send
   * waits for the others as its own item ({@link PathClaims}), as a batch never holds a directory
   * and a path below it. The same path twice folds: a file written again goes once.
   */
  private static boolean nests(WorkItem.Send s, PrefixSet named, PrefixSet above, PrefixSet.Split split) {
    for (byte[] p : s.paths()) {
      if (above.contains(split.of(p)) || named.holdsAncestorOf(split, false)) return true;
    }
    return false;
  }

  private static boolean foldable(Task t, long now, Limits limits) {
    return t.queued() && !t.startup && t.attempts == 0 && t.notBefore <= now && t.gone == null
        && t.item instanceof WorkItem.Send s && !s.recursive() && !s.attributesOnly()
        && !(s.paths().size() == 1 && s.bytes() >= limits.largeFile())
        && s.paths().stream().noneMatch(p -> p.length == 0); // the root: above everything
  }

  /** The sends {@code merged} (queued sends, in order) become: plain paths, touched paths, trees; empty ones left out. */
  static List<WorkItem.Send> afterOutage(List<Task> merged) {
    Set<BytePath> trees = new LinkedHashSet<>(), plain = new LinkedHashSet<>(), touched = new LinkedHashSet<>();
    long oldest = Long.MAX_VALUE, bytes = 0;
    for (Task t : merged) {
      var send = (WorkItem.Send) t.item;
      for (byte[] p : send.paths()) (send.recursive() ? trees : send.attributesOnly() ? touched : plain).add(BytePath.unsafeWrap(p));
      oldest = Math.min(oldest, send.oldestNanos());
      bytes += send.bytes();
    }
    List<byte[]> treeList = new ArrayList<>(), plainList = new ArrayList<>(), touchedList = new ArrayList<>();
    for (BytePath p : trees) if (!p.isUnderAny(trees, false)) treeList.add(p.unsafeArray());
    for (BytePath p : plain) if (!p.isUnderAny(trees, true)) plainList.add(p.unsafeArray());
    // a path both written and touched goes with the written: compared by content
    for (BytePath p : touched) if (!plain.contains(p) && !p.isUnderAny(trees, true)) touchedList.add(p.unsafeArray());
    List<WorkItem.Send> fresh = new ArrayList<>();
    if (!plainList.isEmpty()) fresh.add(new WorkItem.Send(List.copyOf(plainList), false, bytes, oldest));
    if (!touchedList.isEmpty()) fresh.add(new WorkItem.Send(List.copyOf(touchedList), false, 0, oldest, true));
    if (!treeList.isEmpty()) fresh.add(new WorkItem.Send(List.copyOf(treeList), true, 0, oldest));
    return fresh;
  }

  /** Replaces {@code tasks[from, to)} by one send of all their paths, in order, each once. */
  private static long foldRange(List<Task> tasks, int from, int to) {
    List<Task> parts = new ArrayList<>(tasks.subList(from, to));
    Set<BytePath> paths = new LinkedHashSet<>();
    List<Long> records = new ArrayList<>();
    long bytes = 0, oldest = Long.MAX_VALUE, order = 0, before = 0;
    BytePath base = null;
    for (Task t : parts) {
      var s = (WorkItem.Send) t.item;
      base = base == null ? s.base() : CommonDir.shared(base, s.base()); // what each left out lies below its own
      for (byte[] p : s.paths()) paths.add(BytePath.unsafeWrap(p));
      bytes += s.bytes();
      oldest = Math.min(oldest, s.oldestNanos());
      order = Math.max(order, t.order);
      before += t.paths();
      if (t != parts.getFirst()) records.add(t.seq);
      records.addAll(t.alsoDone);
    }
    List<byte[]> list = new ArrayList<>(paths.size());
    for (BytePath p : paths) list.add(p.unsafeArray());
    Task folded = new Task(new WorkItem.Send(List.copyOf(list), false, bytes, oldest, false, CommonDir.within(base, list)), parts.getFirst().seq, records, false);
    folded.order = order;
    tasks.subList(from, to).clear();
    tasks.add(from, folded);
    return list.size() - before;
  }
}
