package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.TargetQueue.State;
import dev.livesync.sync.TargetQueue.Task;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of one target. Items run in parallel on up to {@code workers} threads, except
 * that an item never starts while an earlier unfinished item touches the same path, a directory
 * above or a path below one of its paths (a full sync touches everything; {@link PathClaims}).
 * Results: OK → done; PARTIAL → exactly the failed paths are queued again ({@link RunnerSettings#partialRetryNanos}); RETRY →
 * the target backs off and then sends a single probe item ({@link TargetHealth}); FATAL → during
 * startup reported to the engine (which exits), later logged and retried slowly. The queue, its
 * journal records and its compaction are {@link TargetQueue}; the status counters {@link TargetStats}.
 *
 * <p>Only the engine loop thread calls it; workers hand results back through {@code loop}.
 */
public final class TargetRunner {
  private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);
  /** A target back with more queued items than this gets one full sync, not the replay (measured: 18,000 changes
   *  queued during a 60 s outage took 151 s to replay item by item, renames one after another). */
  static final int BACKLOG_FULL_SYNC_ITEMS = 1000;

  /** How results get back to the engine loop thread, and how far it has read the source. */
  public interface Loop extends Executor, SourceReads {}

  private final Transport transport;
  private final String name;
  private final Clock clock;
  private final RunnerSettings settings;
  private final ItemExecutor executor;
  private final Batcher.SizeProbe source;
  private final Executor workers;
  private final Loop loop;
  private final DeliveryListener listener;
  private final StartupListener startupListener;
  private final TargetQueue queue;
  private final TargetHealth health;
  private final IdleCheck looks;
  /** Its place at the process's transfer slots. */
  final TransferSlots.Seat seat;
  private final TargetStats stats = new TargetStats();
  /** The result's message of an item cut off by the stop (its worker interrupted). */
  static final String INTERRUPTED = "interrupted (shutting down)";
  private final ParentTimes parentTimes = new ParentTimes();
  private final JudgementWaits judgementWaits = new JudgementWaits();
  private int running;
  /** Something happened since the last dispatch that may let an item start. */
  private boolean changed = true;
  /** When a retry delay or backoff ends (dispatch must look again), or -1. */
  private long recheckAt = -1;
  /** The look at the target's top level that runs in place of a start's first item (the root), until it arrived; else null. */
  private TopLevelCheck check;

  /** {@code journal}: where queued items are recorded until they arrived; null keeps nothing. */
  public TargetRunner(
      Transport transport,
      Clock clock,
      RunnerSettings settings,
      ItemExecutor.Config exec,
      Executor workers,
      Loop loop,
      Journal journal,
      DeliveryListener listener,
      StartupListener startupListener) {
    this.transport = transport;
    this.name = transport.describe();
    this.clock = clock;
    this.settings = settings;
    this.executor = new ItemExecutor(transport, exec.delete(), exec.source(), exec.hook(),
        stats.progressTo(listener, name), exec.parts());
    this.source = exec.source();
    this.workers = workers;
    this.loop = loop;
    this.listener = listener;
    this.startupListener = startupListener;
    this.queue = new TargetQueue(name, clock, journal != null ? journal : ItemLog.NONE, exec.delete().whileRunning(), transport.renameCopiesFromSource());
    this.health = new TargetHealth(name, settings.retry(), settings.fatalRetry());
    boolean delete = exec.delete().whileRunning();
    this.looks = new IdleCheck(transport, name, clock, health, stats, () -> submit(new WorkItem.FullSync(delete, "its directory was gone", clock.nanos())));
    this.seat = settings.slots().seat();
  }

  /** Told the outcome of the first attempt of the initial full sync (the engine waits for it). */
  public interface StartupListener {
    void startupResult(String target, Outcome outcome, String message);
  }

  public String name() { return name; }

  /** Queues an item (recorded in the journal, forced to disk by {@link #syncJournal()}). */
  public void submit(WorkItem item) {
    submit(item, false);
  }

  /** Queues the initial full sync: a FATAL result on it is reported as a startup failure. */
  public void submitStartup(WorkItem item) {
    submit(item, true);
  }

  /** Queues a start's root after a clean stop: {@code check} runs first and says what follows it. */
  void submitStartup(WorkItem root, TopLevelCheck check) {
    this.check = check;
    submit(root, true);
  }

  private void submit(WorkItem item, boolean startup) {
    // Where renaming in place is impossible, the batch that follows the rename does all of it.
    if (item instanceof WorkItem.Rename m && !(m.dir() ? transport.canRenameDirs() : transport.canRename())) return;
    changed = true;
    queue.submit(item, startup);
    queue.collapseIfLongerThan(settings.maxQueuedPaths());
  }

  /** Queues what a previous run's journal left undone (already journaled under {@code seq}). */
  public void submitRecovered(Journal.Entry e) {
    changed = true;
    if (queue.recovered(e)) return;
    var m = (WorkItem.Rename) e.item();
    // The batch that reconciled both names after the rename may not have been journaled yet.
    submit(new WorkItem.Send(List.of(m.from(), m.to()), m.dir(), 0, clock.nanos()), false);
    queue.closeRecord(e.seq());
  }

  public void syncJournal() {
    queue.syncRecords();
  }

  /** True while a whole-tree or recursive transfer is queued or running on this target. */
  public boolean treeTransferOutstanding() {
    return queue.treeTransferOutstanding();
  }

  /**
   * True while an item that may start (no backoff delay) is still waiting for a worker or for an
   * earlier item on the same paths: a new batch would only queue behind it. Never while the target
   * is down (backing off): then batches are cut as usual, so that what changes during an outage is in
   * the journal; held back it would wait in memory for the whole outage, and a kill -9 would lose it.
   */
  public boolean backlogged() {
    return !health.backingOff() && queue.startable(clock.nanos());
  }

  public boolean idle() { return queue.isEmpty(); }

  /** When this target next needs the loop (a backoff or a delayed retry ending), or -1. */
  public long nextWakeNanos() {
    if (health.backingOff()) return running > 0 ? -1 : health.nextWakeNanos();
    if (!queue.awaitingRead.isEmpty()) return clock.nanos(); // read the source now: see GoneAncestors
    long next = queue.nextNotBefore(clock.nanos());
    return running > 0 || !queue.isEmpty() || looks.dueNanos() < 0 ? next : next < 0 ? looks.dueNanos() : Math.min(next, looks.dueNanos());
  }

  /** Starts every item that may start now; one that waits for a transfer slot keeps its place in their line. */
  public void dispatch() {
    long now = clock.nanos();
    changed |= GoneAncestors.released(queue, loop, now);
    // only after what can let an item start (new, finished, a delay over, a slot freed): claims cost O(queued paths)
    if (running == 0 && queue.isEmpty() && looks.due(now)) looks.start(workers, loop, () -> changed = true); // see IdleCheck
    if (!changed && !seat.freed() && (recheckAt < 0 || now < recheckAt)) return;
    if (!startWhatMay(now)) seat.stopWaiting(); // nothing to ask a slot for: no place in their line
  }

  /** Returns whether it asked for a transfer slot. */
  private boolean startWhatMay(long now) {
    int slots;
    changed = false;
    recheckAt = -1;
    if (health.backingOff()) {
      if (running > 0) return false; // its end is a change
      if (!health.attemptDue(now)) {
        if (health.probeDue(now)) {
          looks.probe(workers, loop, () -> changed = true);
          recheckAt = health.nextAttemptNanos();
        } else {
          recheckAt = health.nextWakeNanos();
        }
        return false;
      }
      slots = 1; // a single attempt (TargetHealth.attempt)
    } else {
      slots = settings.workers() - running;
    }
    if (slots <= 0 || queue.isEmpty()) return false;
    if (queue.queued() > Math.min(slots, settings.slots().free())) queue.foldWaitingSends(now, settings.limits()); // more wait than may start
    var pick = health.backingOff() ? queue.startable(TargetHealth.ATTEMPT_CHOICES, now, 0) : queue.startable(slots, now, settings.limits().largeFile());
    recheckAt = pick.recheckAt();
    boolean asked = false;
    for (List<Task> group : health.backingOff() ? TargetHealth.attempt(pick.groups()) : pick.groups()) {
      if (TransferSlots.counts(group.getFirst().item)) {
        asked = true;
        if (!seat.take(now)) break; // looks again when a slot is freed
      }
      if (group.getFirst().item instanceof WorkItem.Rename) startRenames(group);
      else start(group.getFirst());
    }
    return asked;
  }

  private void startRenames(List<Task> group) {
    if (group.size() == 1) {
      start(group.getFirst());
      return;
    }
    List<WorkItem.Rename> renames = group.stream().map(g -> (WorkItem.Rename) g.item).toList();
    run(group, () -> executor.runRenames(renames));
  }

  private void start(Task t) {
    if (log.isDebugEnabled()) log.debug("{}: start {} {}", name, t.item, t.item.footprint().stream().map(Bytes::display).toList());
    TopLevelCheck c = check != null && check.covers(t.item) ? check : null;
    WorkItem item = GoneAncestors.narrowed(t, queue);
    run(List.of(t), () -> c != null ? executor.runChecked(c) : executor.run(item));
  }

  private interface Work {
    ItemExecutor.Ran run() throws InterruptedException;
  }

  /** Runs {@code work} on one worker for the tasks of {@code group}; its result finishes each of them. */
  private void run(List<Task> group, Work work) {
    long queuedUpTo = queue.queuedSoFar(); // renames copied from the source cover what was queued before them
    for (Task g : group) {
      g.state = State.RUNNING;
      g.attempts++;
      g.startSeq = parentTimes.started();
      if (g.item instanceof WorkItem.FullSync) stats.fullSyncStarts();
      listener.started(name, g.item);
    }
    running++;
    looks.active();
    workers.execute(
        () -> {
          ItemExecutor.Ran r;
          try {
            r = work.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new ItemExecutor.Ran(new TransferResult(Outcome.RETRY, -1, List.of(), 0, 0, 0, INTERRUPTED));
          } catch (RuntimeException e) {
            log.debug("transfer to {} threw", name, e);
            r = new ItemExecutor.Ran(new TransferResult(Outcome.RETRY, -1, List.of(), 0, 0, 0, String.valueOf(e.getMessage())));
          } finally {
            if (TransferSlots.counts(group.getFirst().item)) seat.release();
          }
          ItemExecutor.Ran ran = r;
          loop.execute(() -> {
            running += group.size() - 1; // one worker ran them all; finished() counts each
            if (ran.copiedFromSource()) queue.coveredByCopies(group.stream().map(g -> ((WorkItem.Rename) g.item).to()).toList(), queuedUpTo);
            boolean again = RenameMovedOn.requeued(queue, group, ran, loop.sourceReadMark(), clock.nanos()); // back in its place
            for (Task g : group) {
              if (ran.result().outcome() == Outcome.OK || ran.result().outcome() == Outcome.PARTIAL) queueGoneAncestors(g, ran.goneAncestors());
              queueParentsSetBack(g, parentTimes.ended(g.startSeq, g.item, clock.nanos()));
              judgementWaits.ended(g.startSeq, clock.nanos());
              if (again) listener.finished(name, g.item, ran.result(), clock.nanos());
              else finished(g, ran.result(), ran.fullSyncWhy());
            }
            if (again) running -= group.size();
          });
        });
  }

  /**
   * A send left out paths whose parent is gone from the source (see {@link VanishedPaths}): the
   * deletion of their topmost missing ancestors goes behind it as an item of its own, so that it is
   * ordered against every other item under those directories (run inside the send it was not, and
   * could remove what a send beside it had just copied under a directory made again), unless another
   * item carries it out ({@link GoneAncestors}). Journaled before the send's record is closed.
   */
  private void queueGoneAncestors(Task t, List<byte[]> ancestors) {
    if (ancestors.isEmpty()) return;
    if (log.isDebugEnabled()) log.debug("{}: parents gone from the source (or not directories now), sent as an item of their own: {}", name, ancestors.stream().map(Bytes::display).toList());
    changed = true;
    GoneAncestors.append(queue, ancestors, t.item.oldestNanos(), loop.sourceReadMark(), clock.nanos());
  }

  /** See {@link ParentTimes}: directories a send may have set back to an older mtime go again, as themselves. */
  private void queueParentsSetBack(Task t, List<byte[]> parents) {
    if (parents.isEmpty()) return;
    if (log.isDebugEnabled()) log.debug("{}: ended after a later send, its parents go again: {}", name, parents.stream().map(Bytes::display).toList());
    changed = true;
    queue.append(new WorkItem.Send(List.copyOf(parents), false, 0, t.item.oldestNanos(), true));
  }

  /** {@code fullSyncWhy}: see {@link ItemExecutor.Ran}; the full sync then replaces the start's first item, waited for in its place. */
  private void finished(Task t, TransferResult r, String fullSyncWhy) {
    running--;
    looks.active();
    changed = true;
    listener.finished(name, t.item, r, clock.nanos());
    boolean first = t.startup;
    t.startup = false;
    if (first && fullSyncWhy == null) startupListener.startupResult(name, r.outcome(), r.messageLine());
    long now = clock.nanos();
    switch (r.outcome()) {
      case OK -> delivered(t, r, now);
      case PARTIAL -> {
        if (!r.sourceMoved()) stats.failed(r, clock.epochMillis()); // the source moving under rsync, deletions put off: no fault
        List<byte[]> again = r.failedPaths().isEmpty() ? t.item.footprint() : r.failedPaths();
        var gone = source != null ? VanishedPaths.collapse(again, source) : null; // else a vanished parent fails forever
        Task nt = queue.requeue(t, gone != null ? gone.kept() : again, r.sourceMoved(), now + settings.partialRetryNanos(t.attempts, r));
        if (WithoutDeletions.putOff(r)) judgementWaits.putOff(nt, parentTimes.startedSoFar(), parentTimes.anyRunning(), now); // see JudgementWaits
        long wait = nt.notBefore - now;
        if (gone != null && !gone.goneAncestors().isEmpty()) nt.gone = gone.goneAncestors(); // see GoneAncestors
        if (t.item instanceof WorkItem.FullSync) {
          int n = r.failedPaths().size();
          log.atLevel(r.sourceMoved() && t.attempts < 3 || !warnsAgain(t.attempts) ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN).log( // as below
              "{}: {}: {} path{} not transferred (rsync exit {}: {}); {} again in {} ms", name, t.item, n, n == 1 ? "" : "s",
              r.exitCode(), r.messageLine(), nt.item instanceof WorkItem.FullSync ? "the full sync runs" : "the rest arrived, those go", wait / 1_000_000);
        } else { // the source moved under rsync (24, vanished; a listed file a symlink now), or deletions wait (0): no fault; WARN if a 24 goes on
          log.atLevel(r.sourceMoved() && (t.attempts < 3 || r.exitCode() == 0) || !warnsAgain(t.attempts) ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN).log(
              "{}: {} of {} paths not transferred ({}); queued again, next attempt in {} ms",
              name, nt.paths(), t.paths(), (r.exitCode() == 0 ? "" : "rsync exit " + r.exitCode() + ": ") + r.messageLine(), wait / 1_000_000);
        }
      }
      case RETRY, FATAL -> {
        stats.failed(r, clock.epochMillis());
        t.state = State.QUEUED;
        boolean fatal = r.outcome() == Outcome.FATAL;
        long wait = health.failed(fatal, now);
        if (r.message().equals(INTERRUPTED)) { // no failure of the target: the stop's time ran out; no retry comes, the journal keeps it
          log.info("{}: {} cut off by the stop; it stays journaled for the next start", name, t.item);
        } else if (fatal) {
          log.error("{}: {} failed{}: {}; this needs an operator; the work stays queued and journaled, next attempt in {} s",
              name, t.item, r.exitSaid(), r.messageLine(), wait / 1_000_000_000);
        } else {
          log.warn("{}: {} failed{}: {}; {} items queued, next attempt in {} ms",
              name, t.item, r.exitSaid(), r.messageLine(), queue.size(), wait / 1_000_000);
        }
      }
    }
    if (check != null && r.outcome() == Outcome.OK && check.covers(t.item)) {
      for (WorkItem w : check.next(fullSyncWhy, name)) submit(w, first && fullSyncWhy != null);
      check = null;
    }
    queue.collapseIfLongerThan(settings.maxQueuedPaths());
  }

  /**
   * Whether the {@code attempts}th failure of the same paths is told at WARN again: the first three,
   * then the 4th, 8th, ... 64th, then every 64th (a file the user rsync runs as cannot read fails at
   * every retry.max, forever: a WARN a minute said nothing new); the others at INFO.
   */
  static boolean warnsAgain(int attempts) {
    return attempts <= 3 || attempts <= 64 && Integer.bitCount(attempts) == 1 || attempts % 64 == 0;
  }

  private void delivered(Task t, TransferResult r, long now) {
    queue.remove(t);
    queue.closeRecords(t);
    boolean reached = !ItemExecutor.withoutTarget(r); // a batch of deletions not sent, a rename keeping the old name: a failing target still fails
    if (reached && health.backingOff()) {
      log.info("{}: delivered again after {} failed attempts; resuming", name, health.retryAttempts()); // not only the network fails: a full disk
      if (queue.size() > BACKLOG_FULL_SYNC_ITEMS) queue.collapseQueued("backlog", "a backlog of " + queue.size() + " items after the outage");
      else queue.mergeQueuedSends();
    }
    if (reached) health.succeeded();
    stats.delivered(r, clock.epochMillis());
    long lagMs = Math.max(0, (now - t.item.oldestNanos()) / 1_000_000);
    switch (t.item) {
      case WorkItem.FullSync f -> {
        log.info("{}: {} done: {} files, {} bytes, {} ms", name, f, r.files(), r.bytes(), r.millis());
        // said apart, in the words an operator greps for: a full sync from an empty or wrong source empties the target
        if (r.deleted() > 0) log.warn("deleted {} files on {} ({}: the source does not have them)", r.deleted(), name, f);
      }
      case WorkItem.Send s ->
          log.info("{}: {} {}, {} files, {} bytes, {} ms, lag {} ms", name, s.paths().size(), s.recursive() ? "trees" : "paths",
              r.files(), r.bytes(), r.millis(), lagMs);
      case WorkItem.Rename m -> log.info("{}: {}, {} ms{}", name, m, r.millis(), r.message().isEmpty() ? "" : " (" + r.message() + ")");
    }
    listener.delivered(name, t.item, r, now);
  }

  public EngineStatus.Target snapshot(long coalescerOldestNanos) {
    long now = clock.nanos();
    long oldest = Math.min(coalescerOldestNanos >= 0 ? coalescerOldestNanos : Long.MAX_VALUE, queue.oldestNanos());
    long lag = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (now - oldest) / 1_000_000);
    String state = health.failedFatally() ? "failed" : health.backingOff() ? "retrying" : queue.fullSyncRunning() ? "syncing" : "ok";
    long nextAttempt = health.backingOff() ? clock.epochMillis() + Math.max(0, (health.nextAttemptNanos() - now) / 1_000_000) : 0;
    return stats.status(name, state, queue, running, lag, nextAttempt, transport instanceof DeletionGuard g ? g.held() : 0, transport.warning());
  }

  public boolean failedFatally() { return health.failedFatally(); }

  /** True while the target is down: its last attempt failed and the next waits for a backoff. */
  public boolean backingOff() { return health.backingOff(); }

  /** Nothing running, and all it has queued failed twice or more: {@link TargetQueue#onlyRepeatedFailures}. */
  public boolean onlyRepeatedFailures() { return running == 0 && queue.onlyRepeatedFailures(); }

  public int queued() { return queue.queued(); } // not running
  public int running() { return running; }
}
