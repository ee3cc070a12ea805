package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items of one target, queued or running, in the order they were accepted, each with the
 * number of its record in the target's {@link ItemLog}; and the two ways a long queue is compacted
 * (one full sync instead of too much work, one send instead of many after an outage). A record is
 * closed only when its item (or the item that took it over) has arrived. Loop thread only.
 */
final class TargetQueue {
  private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);
  /** Most consecutive renames in one transport call (ssh: one script; one a round trip capped ssh near 330/s under load). */
  static final int RENAME_GROUP_MAX = 500;

  enum State { QUEUED, RUNNING }

  /** One item of the queue. {@code alsoDone}: records of items this one took over. */
  static final class Task {
    final WorkItem item;
    final long seq;
    final List<Long> alsoDone;
    boolean startup;
    State state = State.QUEUED;
    int attempts;
    long notBefore;
    /** Its place in the order sends started, for {@link ParentTimes}. */
    long startSeq;
    /** Its place in the order tasks were queued ({@link #queuedSoFar}). */
    long order;
    /** Its paths that stand for a missing ancestor's deletion ({@link GoneAncestors}), or null. */
    List<byte[]> gone;
    /** It waits for the source to be read up to this {@link SourceReads} mark (at most until {@link #readWaitEnds}); MIN_VALUE: not. */
    long readMark = Long.MIN_VALUE, readWaitEnds;
    /** It went back to wait for such a read once already ({@link RenameMovedOn}). */
    boolean waitedForRead;

    Task(WorkItem item, long seq, List<Long> alsoDone, boolean startup) {
      this.item = item;
      this.seq = seq;
      this.alsoDone = alsoDone;
      this.startup = startup;
    }

    int paths() {
      return item instanceof WorkItem.Send s ? s.paths().size() : item instanceof WorkItem.Rename ? 2 : 0;
    }

    boolean queued() {
      return state == State.QUEUED;
    }

    /** Queued, and neither a retry delay nor a read of the source ({@link GoneAncestors}) to wait for at {@code now}. */
    boolean may(long now) {
      return state == State.QUEUED && notBefore <= now && readMark == Long.MIN_VALUE;
    }
  }

  private final String name;
  private final Clock clock;
  private final ItemLog records;
  private final boolean deleteWhileRunning;
  /** Renamed directories are copied from the source: such a rename waits (at most {@link #COPY_WAIT_NANOS}) for the batch reconciling its new name ({@link #coveredByCopies}). */
  private final boolean renamesCopy;
  static final long COPY_WAIT_NANOS = 2_000_000_000L;
  private final List<Task> tasks = new ArrayList<>();
  final List<Task> awaitingRead = new ArrayList<>(); // tasks that wait for a read of the source (Task#readMark)
  private long queuedPaths;
  private long added;

  TargetQueue(String name, Clock clock, ItemLog records, boolean deleteWhileRunning, boolean renamesCopy) {
    this.name = name;
    this.clock = clock;
    this.records = records;
    this.deleteWhileRunning = deleteWhileRunning;
    this.renamesCopy = renamesCopy;
  }

  /** Records and queues {@code item}, unless a full sync queued last and not started yet covers it. */
  void submit(WorkItem item, boolean startup) {
    long seq = records.append(item);
    Task last = tasks.isEmpty() ? null : tasks.getLast();
    if (last != null && last.queued() && last.item instanceof WorkItem.FullSync f && (f.delete() || !deleteWhileRunning)) {
      last.alsoDone.add(seq); // a full sync that has not started yet covers this change too
      return;
    }
    Task t = new Task(item, seq, new ArrayList<>(), startup);
    add(t);
    if (!renamesCopy) return;
    if (item instanceof WorkItem.Rename m && m.dir()) t.notBefore = RenameMovedOn.notBefore(tasks, t, clock.nanos() + COPY_WAIT_NANOS);
    else if (item instanceof WorkItem.Send s) releaseCopiesReconciledBy(s);
  }

  /** Renames waiting for the batch that reconciles their new names: {@code s} is it where it holds a new name (or a directory above). */
  private void releaseCopiesReconciledBy(WorkItem.Send s) {
    Set<BytePath> sent = null;
    for (Task t : tasks) {
      if (!t.queued() || t.attempts > 0 || t.notBefore == 0 || !(t.item instanceof WorkItem.Rename m)) continue;
      if (sent == null) sent = new java.util.HashSet<>(s.paths().stream().map(BytePath::unsafeWrap).toList());
      if (BytePath.unsafeWrap(m.to()).isUnderAny(sent, true)) t.notBefore = 0;
    }
  }

  /**
   * Queues what a previous run left undone (already recorded under {@code e.seq()}); false for a
   * rename, which the caller replaces by a send.
   */
  boolean recovered(Journal.Entry e) {
    Task first = tasks.isEmpty() ? null : tasks.getFirst();
    if (first != null && first.startup && first.queued() && first.item instanceof WorkItem.FullSync f && f.delete()) {
      first.alsoDone.add(e.seq()); // the initial full sync mirrors the whole tree: it does this item too
      return true;
    }
    if (e.item() instanceof WorkItem.FullSync && !deleteWhileRunning) {
      records.done(e.seq()); // recorded under a policy that deleted; this one does not
      return true;
    }
    if (e.item() instanceof WorkItem.Rename) return false; // the caller queues a send for it, then closes its record
    add(new Task(e.item(), e.seq(), new ArrayList<>(), false));
    return true;
  }

  /**
   * {@code t} arrived only in part: a send of {@code again} (for a full sync {@link WorkItem.FullSync#rest}) replaces it, the first
   * not before {@code notBefore}. The new records are written before the old one is closed.
   */
  Task requeue(Task t, List<byte[]> again, boolean sourceMoved, long notBefore) {
    remove(t);
    List<WorkItem> retry = t.item instanceof WorkItem.FullSync f ? f.rest(again, sourceMoved) : List.of(t.item instanceof WorkItem.Send s
        ? s.withPaths(List.copyOf(again), 0) : new WorkItem.Send(List.copyOf(again), true, 0, t.item.oldestNanos()));
    Task nt = append(retry.getFirst());
    for (WorkItem w : retry.subList(1, retry.size())) append(w);
    nt.attempts = t.attempts;
    nt.notBefore = notBefore;
    closeRecords(t); // the retry's record covers what failed; the rest, taken over items included, arrived
    return nt;
  }

  /** Records and queues {@code item} at the end; returns its task. */
  Task append(WorkItem item) {
    Task t = newTask(item);
    add(t);
    return t;
  }

  private Task newTask(WorkItem item) {
    return new Task(item, records.append(item), new ArrayList<>(), false);
  }

  private void add(Task t) {
    if (t.order == 0) t.order = ++added;
    if (t.item instanceof WorkItem.Rename m && m.dir()) tasks.add(renamesCopy ? RenameMovedOn.at(tasks, m) : RenamesFirst.at(tasks), t);
    else tasks.add(t);
    queuedPaths += t.paths();
  }

  void remove(Task t) {
    tasks.remove(t);
    queuedPaths -= t.paths();
  }

  /** How many tasks were queued so far: each task's {@code order} is its place in that count (records may be unnumbered). */
  long queuedSoFar() {
    return added;
  }

  /**
   * Directories {@code dirs} were made at the target from the source by renames' copies, which read
   * the source after the first {@code upTo} tasks were queued: those leave out what they would send at
   * or under the new names (it is there, as new; an item left with nothing is done; a recursive path
   * above a new name stays whole). The new names' parents, changed at the target by the copies and
   * carried by those items ({@code -R}), go again as themselves.
   */
  void coveredByCopies(List<byte[]> dirs, long upTo) {
    Set<BytePath> covered = new java.util.HashSet<>();
    for (byte[] d : dirs) covered.add(BytePath.unsafeWrap(d));
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      if (!t.queued() || t.order > upTo || !(t.item instanceof WorkItem.Send s)) continue;
      List<byte[]> kept = new ArrayList<>(s.paths().size());
      for (byte[] p : s.paths()) if (!BytePath.unsafeWrap(p).isUnderAny(covered, true)) kept.add(p);
      if (kept.size() == s.paths().size()) continue;
      oldest = Math.min(oldest, s.oldestNanos());
      queuedPaths -= s.paths().size() - kept.size();
      if (kept.isEmpty()) {
        tasks.remove(i--);
        closeRecords(t);
        continue;
      }
      Task nt = new Task(s.withPaths(List.copyOf(kept), s.bytes()), t.seq, t.alsoDone, t.startup);
      nt.attempts = t.attempts;
      nt.notBefore = t.notBefore;
      nt.order = t.order;
      tasks.set(i, nt);
    }
    if (oldest == Long.MAX_VALUE) return;
    Set<BytePath> parents = new java.util.LinkedHashSet<>();
    for (BytePath d : covered) if (!d.parent().isEmpty()) parents.add(d.parent());
    if (!parents.isEmpty()) append(new WorkItem.Send(parents.stream().map(BytePath::unsafeArray).toList(), false, 0, oldest, true));
  }

  /** {@code t} has arrived: its record and those of the items it took over are closed. */
  void closeRecords(Task t) {
    records.done(t.seq);
    for (long s : t.alsoDone) records.done(s);
  }

  /** Closes one record (its item was queued again under a new one). */
  void closeRecord(long seq) {
    records.done(seq);
  }

  /** Folds runs of waiting sends into fewer ({@link WaitingSends}), a large file's repeated sends into one ({@link LargeFirst}). */
  void foldWaitingSends(long now, WaitingSends.Limits limits) {
    queuedPaths += WaitingSends.fold(tasks, now, limits) + LargeFirst.dropRepeats(tasks, now, limits.largeFile());
  }

  void syncRecords() { records.sync(); }
  int liveRecords() { return records.liveCount(); }
  Task get(int i) { return tasks.get(i); }

  int size() { return tasks.size(); }

  boolean isEmpty() { return tasks.isEmpty(); }

  long queuedPaths() { return queuedPaths; }

  /** Items queued (not running). */
  int queued() {
    return (int) tasks.stream().filter(Task::queued).count();
  }

  /** True while a whole-tree or recursive transfer is queued or running. */
  boolean treeTransferOutstanding() {
    for (Task t : tasks)
      if (t.item instanceof WorkItem.FullSync || t.item instanceof WorkItem.Rename
          || t.item instanceof WorkItem.Send s && s.recursive()) return true;
    return false;
  }

  /** True while a queued item may start at {@code now} (no retry delay). */
  boolean startable(long now) {
    for (Task t : tasks) if (t.may(now)) return true;
    return false;
  }

  /** Groups of tasks to start now, and when a retry delay seen on the way ends (-1: none). */
  record Pick(List<List<Task>> groups, long recheckAt) {}

  /**
   * What may start at {@code now}, in queue order, at most {@code slots} groups: a queued item
   * whose retry delay is over and that no earlier unfinished item claims a path of
   * ({@link PathClaims}); a rename together with the queued renames right after it that may start
   * too, which run in one call, in order, so one may depend on another. Nothing after a full sync.
   * But first the first such send of one file of {@code largeFile} bytes or more ({@link LargeFirst}). */
  Pick startable(int slots, long now, long largeFile) {
    List<List<Task>> groups = new ArrayList<>();
    long recheckAt = -1;
    var claims = new PathClaims();
    int large = LargeFirst.waiting(tasks, now, largeFile), taken = -1; // taken: the slots were gone when it came
    for (int i = 0; i < tasks.size(); i++) {
      if (slots == 0 && i > large) break;
      Task t = tasks.get(i);
      if (t.queued() && t.notBefore > now && (recheckAt < 0 || t.notBefore < recheckAt)) recheckAt = t.notBefore;
      if (t.may(now) && !claims.conflicts(t.item)) {
        if (i == large) {
          taken = slots == 0 ? 1 : 0;
          slots = Math.max(slots - 1, 0);
        } else if (slots > 0 && t.item instanceof WorkItem.Rename) {
          List<Task> group = renameGroup(i, claims, now);
          groups.add(group);
          for (Task g : group) claims.add(g.item);
          i += group.size() - 1;
          slots--;
          continue;
        } else if (slots > 0) {
          groups.add(List.of(t));
          slots--;
        }
      }
      claims.add(t.item);
      if (claims.all()) break;
    }
    if (taken == 1) groups.removeLast(); // the large file takes the place of the last group the slots allowed
    if (taken >= 0) groups.addFirst(List.of(tasks.get(large)));
    return new Pick(groups, recheckAt);
  }

  /** The rename at {@code first} and the queued renames right after it that may start too. */
  private List<Task> renameGroup(int first, PathClaims claims, long now) {
    List<Task> group = new ArrayList<>(List.of(tasks.get(first)));
    for (int j = first + 1; j < tasks.size() && group.size() < RENAME_GROUP_MAX; j++) {
      Task n = tasks.get(j);
      if (!n.may(now) || !(n.item instanceof WorkItem.Rename) || claims.conflicts(n.item)) break;
      group.add(n);
    }
    return group;
  }

  /** Every item has failed at least twice and waits to be tried again (a stop does not wait for them: {@link StopDrain}). */
  boolean onlyRepeatedFailures() {
    return !tasks.isEmpty() && tasks.stream().allMatch(t -> t.queued() && t.attempts >= 2);
  }

  /** When the earliest retry delay after {@code now} ends, or -1. */
  long nextNotBefore(long now) {
    long w = -1;
    for (Task t : tasks)
      if (t.queued() && t.notBefore > now && (w < 0 || t.notBefore < w)) w = t.notBefore;
    return w;
  }

  boolean fullSyncRunning() {
    return tasks.stream().anyMatch(t -> t.item instanceof WorkItem.FullSync && t.state == State.RUNNING);
  }

  /** When the oldest change of any item was seen, or {@code Long.MAX_VALUE}. */
  long oldestNanos() {
    long oldest = Long.MAX_VALUE;
    for (Task t : tasks) oldest = Math.min(oldest, t.item.oldestNanos());
    return oldest;
  }

  /** Bytes of the queued and running sends, as far as known. */
  long bytes() {
    long bytes = 0;
    for (Task t : tasks) if (t.item instanceof WorkItem.Send s) bytes += s.bytes();
    return bytes;
  }

  /**
   * A target back from an outage: its queued sends before a queued full sync become one send per
   * kind ({@link WaitingSends#afterOutage}); queued renames keep their place ahead of them. The
   * merged sends are recorded before the replaced records are closed.
   */
  void mergeQueuedSends() {
    List<Task> merged = new ArrayList<>();
    for (Task t : tasks.subList(0, queuedFullSyncIndex())) if (t.queued() && t.item instanceof WorkItem.Send) merged.add(t);
    if (merged.size() < 2) return;
    List<Task> fresh = WaitingSends.afterOutage(merged).stream().map(this::newTask).toList();
    for (Task t : merged) {
      remove(t);
      closeRecords(t);
    }
    int at = queuedFullSyncIndex(); // after the queued renames, before a queued full sync
    for (Task t : fresh) {
      tasks.add(at++, t);
      queuedPaths += t.paths();
    }
    int trees = fresh.stream().filter(t -> ((WorkItem.Send) t.item).recursive()).mapToInt(Task::paths).sum();
    log.info("{}: back with {} queued batches; merged into {} ({} paths, {} trees)", name, merged.size(), fresh.size(),
        fresh.stream().mapToInt(Task::paths).sum() - trees, trees);
  }

  /** The index of the first queued full sync, or the size. */
  private int queuedFullSyncIndex() {
    int i = 0;
    while (i < tasks.size() && !(tasks.get(i).queued() && tasks.get(i).item instanceof WorkItem.FullSync)) i++;
    return i;
  }

  /**
   * A target far behind (down for long under load) gets one full sync instead of an unbounded
   * queue; the replaced items stay in the journal until that full sync has arrived.
   */
  void collapseIfLongerThan(long maxPaths) {
    if (queuedPaths > maxPaths) collapseQueued("queue too long", "queued items exceed " + maxPaths + " paths");
  }

  /**
   * Replaces every queued (not running) item by one full sync, which closes their records when it
   * has arrived (until then they stay, so a restart still replays them). The full sync itself has
   * no record of its own.
   */
  void collapseQueued(String reason, String why) {
    List<Long> seqs = new ArrayList<>();
    long oldest = clock.nanos();
    int n = 0;
    for (Iterator<Task> it = tasks.iterator(); it.hasNext(); ) {
      Task t = it.next();
      if (!t.queued()) continue;
      seqs.add(t.seq);
      seqs.addAll(t.alsoDone);
      oldest = Math.min(oldest, t.item.oldestNanos());
      queuedPaths -= t.paths();
      it.remove();
      n++;
    }
    log.warn("{}: {}; replacing {} queued items with one full sync", name, why, n);
    add(new Task(new WorkItem.FullSync(deleteWhileRunning, reason, oldest), ItemLog.UNRECORDED, seqs, false));
  }
}
