package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue and scheduler of one target. Items run in parallel on up to {@code workers} threads,
 * except that an item never starts while an earlier unfinished item touches the same path, a
 * directory above or a path below one of its paths (a full sync touches everything). Results:
 * OK → done; PARTIAL → exactly the failed paths are queued again, after a backoff; RETRY → the
 * target backs off (exponential, jitter, capped) and then sends a single probe item; FATAL → during
 * startup reported to the engine (which exits), later logged and retried slowly.
 *
 * <p>Only the engine loop thread calls it; workers hand results back through {@code loop}.
 */
public final class TargetRunner {
  private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);
  /**
   * A target that comes back with more queued items than this gets one full sync instead of the
   * replay (measured: 18,000 changes queued during a 60 s outage took 151 s to replay item by item,
   * renames one after another).
   */
  static final int BACKLOG_FULL_SYNC_ITEMS = 1000;
  /**
   * While backing off from an unreachable target, how often {@link Transport#probe} looks whether it
   * answers again (a TCP connect): a target back from an outage is tried within about this long,
   * not after the rest of a backoff that may have grown to a minute.
   */
  static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
  /**
   * Most consecutive renames that go to the transport in one call (ssh: one script, one round trip;
   * measured: one rename per round trip capped an ssh target near 330 renames/s under load).
   */
  static final int RENAME_GROUP_MAX = 500;

  /** How results get back to the engine loop thread. */
  public interface Loop extends Executor {}

  public record Settings(int workers, Backoff retry, Backoff fatalRetry, long maxQueuedPaths) {}

  private enum State { QUEUED, RUNNING }

  private static final class Task {
    final WorkItem item;
    final long seq;
    final List<Long> alsoDone;
    boolean startup;
    State state = State.QUEUED;
    int attempts;
    long notBefore;

    Task(WorkItem item, long seq, List<Long> alsoDone, boolean startup) {
      this.item = item;
      this.seq = seq;
      this.alsoDone = alsoDone;
      this.startup = startup;
    }

    int paths() {
      return item instanceof WorkItem.Send s ? s.paths().size() : item instanceof WorkItem.Rename ? 2 : 0;
    }
  }

  private final Transport transport;
  private final String name;
  private final Clock clock;
  private final Settings settings;
  private final ItemExecutor executor;
  private final Batcher.SizeProbe source;
  private final Executor workers;
  private final Loop loop;
  private final Journal journal;
  private final DeliveryListener listener;
  private final StartupListener startupListener;
  private final boolean deleteWhileRunning;
  private final List<Task> tasks = new ArrayList<>();
  private long queuedPaths;
  private int running;
  private boolean backingOff;
  private long nextAttemptNanos;
  private int retryAttempts;
  private boolean failedFatally;
  private long lastSuccessMillis;
  private long deliveredFiles, deliveredBytes, failures;
  private String lastError = "";
  private int lastExitCode = -1;
  private long lastErrorMillis;
  private long localSeq;
  /** Something happened since the last dispatch that may let an item start. */
  private boolean changed = true;
  /** When a retry delay or backoff ends (dispatch must look again), or -1. */
  private long recheckAt = -1;
  /** Probing while backing off: only after RETRY (unreachable), not FATAL (auth, config: an operator's job). */
  private boolean probing;
  private boolean probeInFlight;
  /** A probe saw the target DOWN during this backoff: an UP after it means it came back. */
  private boolean probeSawDown;
  private long nextProbeNanos;
  /** The transport cannot tell (a local directory): never probed again. */
  private boolean probeUseless;

  public TargetRunner(
      Transport transport,
      Clock clock,
      Settings settings,
      ItemExecutorConfig exec,
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
        listener.wantsProgress() ? line -> listener.fullSyncProgress(name, line) : null, exec.parts());
    this.source = exec.source();
    this.deleteWhileRunning = exec.delete().whileRunning();
    this.workers = workers;
    this.loop = loop;
    this.journal = journal;
    this.listener = listener;
    this.startupListener = startupListener;
  }

  /** Told the outcome of the first attempt of the initial full sync (the engine waits for it). */
  public interface StartupListener {
    void startupResult(String target, Outcome outcome, String message);
  }

  /** What the worker side needs: delete policy, a source probe, an optional hook. */
  /** {@code parts}: plans a full sync's parts (see {@link SplitFullSync}); null runs it as one rsync. */
  public record ItemExecutorConfig(DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook, SplitFullSync.Planner parts) {
    public ItemExecutorConfig(DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook) {
      this(delete, source, hook, null);
    }
  }

  public String name() {
    return name;
  }

  /** Queues an item (recorded in the journal, forced to disk by {@link #syncJournal()}). */
  public void submit(WorkItem item) {
    submit(item, false);
  }

  /** Queues the initial full sync: a FATAL result on it is reported as a startup failure. */
  public void submitStartup(WorkItem item) {
    submit(item, true);
  }

  private void submit(WorkItem item, boolean startup) {
    // Where renaming in place is impossible, the batch that follows the rename does all of it.
    if (item instanceof WorkItem.Rename m && !(m.dir() ? transport.canRenameDirs() : transport.canRename())) return;
    long seq = journal != null ? journal.append(item) : ++localSeq;
    Task last = tasks.isEmpty() ? null : tasks.getLast();
    if (last != null && last.state == State.QUEUED && last.item instanceof WorkItem.FullSync f
        && (f.delete() || !deleteWhileRunning)) {
      last.alsoDone.add(seq); // a full sync that has not started yet covers this change too
      return;
    }
    add(new Task(item, seq, new ArrayList<>(), startup));
    collapseIfTooLong();
  }

  /** Queues what a previous run's journal left undone (already journaled under {@code seq}). */
  public void submitRecovered(Journal.Entry e) {
    Task first = tasks.isEmpty() ? null : tasks.getFirst();
    if (first != null && first.startup && first.state == State.QUEUED && first.item instanceof WorkItem.FullSync f && f.delete()) {
      first.alsoDone.add(e.seq()); // the initial full sync mirrors the whole tree: it does this item too
      return;
    }
    if (e.item() instanceof WorkItem.FullSync && !deleteWhileRunning) {
      journal.done(e.seq()); // recorded under a policy that deleted; this one does not
      return;
    }
    if (e.item() instanceof WorkItem.Rename m) {
      // The batch that reconciled both names after the rename may not have been journaled yet.
      submit(new WorkItem.Send(List.of(m.from(), m.to()), m.dir(), 0, clock.nanos()), false);
      journal.done(e.seq());
      return;
    }
    add(new Task(e.item(), e.seq(), new ArrayList<>(), false));
  }

  private void add(Task t) {
    changed = true;
    tasks.add(t);
    queuedPaths += t.paths();
  }

  public void syncJournal() {
    if (journal != null) journal.sync();
  }

  /** True while a whole-tree or recursive transfer is queued or running on this target. */
  public boolean treeTransferOutstanding() {
    for (Task t : tasks)
      if (t.item instanceof WorkItem.FullSync || t.item instanceof WorkItem.Rename
          || t.item instanceof WorkItem.Send s && s.recursive()) return true;
    return false;
  }

  /**
   * True while an item that may start (no backoff delay) is still waiting for a worker or for an
   * earlier item on the same paths: a new batch would only queue behind it. Never while the target
   * is down (backing off): then batches are cut as usual, so that what changes during an outage is in
   * the journal; held back it would wait in memory for the whole outage, and a kill -9 would lose it.
   */
  public boolean backlogged() {
    if (backingOff) return false;
    long now = clock.nanos();
    for (Task t : tasks) if (t.state == State.QUEUED && t.notBefore <= now) return true;
    return false;
  }

  public boolean idle() {
    return tasks.isEmpty();
  }

  /** When this target next needs the loop (a backoff or a delayed retry ending), or -1. */
  public long nextWakeNanos() {
    if (backingOff) {
      if (running > 0) return -1;
      return probing && !probeInFlight ? Math.min(nextAttemptNanos, nextProbeNanos) : nextAttemptNanos;
    }
    long w = -1;
    long now = clock.nanos();
    for (Task t : tasks)
      if (t.state == State.QUEUED && t.notBefore > now && (w < 0 || t.notBefore < w)) w = t.notBefore;
    return w;
  }

  /** Starts every item that may start now. */
  public void dispatch() {
    long now = clock.nanos();
    int slots;
    // Building the claims costs O(queued paths); the loop calls this every turn (every read from
    // the kernel), so it only does so after something that can let an item start: a new item, a
    // finished one, or a retry delay or backoff running out.
    if (!changed && (recheckAt < 0 || now < recheckAt)) return;
    changed = false;
    recheckAt = -1;
    if (backingOff) {
      if (running > 0) return; // its end is a change
      if (now < nextAttemptNanos) {
        recheckAt = nextAttemptNanos;
        if (probing && !probeInFlight) {
          if (now >= nextProbeNanos) startProbe();
          else recheckAt = Math.min(recheckAt, nextProbeNanos);
        }
        return;
      }
      slots = 1; // a single probe
    } else {
      slots = settings.workers() - running;
    }
    if (slots <= 0 || tasks.isEmpty()) return;
    var claims = new Claims();
    for (int i = 0; i < tasks.size(); i++) {
      if (slots == 0) break;
      Task t = tasks.get(i);
      if (t.state == State.QUEUED && t.notBefore > now && (recheckAt < 0 || t.notBefore < recheckAt)) recheckAt = t.notBefore;
      if (t.state == State.QUEUED && t.notBefore <= now && !claims.conflicts(t.item)) {
        if (t.item instanceof WorkItem.Rename) {
          List<Task> group = renameGroup(i, claims, now);
          startRenames(group);
          for (Task g : group) claims.add(g.item);
          i += group.size() - 1;
          slots--;
          continue;
        }
        start(t);
        slots--;
      }
      claims.add(t.item);
      if (claims.all) break;
    }
  }

  /**
   * The rename at {@code first} and the queued renames right after it that may start too (nothing
   * earlier claims their paths). They run in one call, in order, so one may depend on another.
   */
  private List<Task> renameGroup(int first, Claims claims, long now) {
    List<Task> group = new ArrayList<>(List.of(tasks.get(first)));
    for (int j = first + 1; j < tasks.size() && group.size() < RENAME_GROUP_MAX; j++) {
      Task n = tasks.get(j);
      if (n.state != State.QUEUED || n.notBefore > now || !(n.item instanceof WorkItem.Rename) || claims.conflicts(n.item)) break;
      group.add(n);
    }
    return group;
  }

  private void startRenames(List<Task> group) {
    if (group.size() == 1) {
      start(group.getFirst());
      return;
    }
    if (log.isDebugEnabled()) log.debug("{}: start {} renames in one go", name, group.size());
    List<WorkItem.Rename> renames = group.stream().map(g -> (WorkItem.Rename) g.item).toList();
    run(group, () -> executor.runRenames(renames));
  }

  private void start(Task t) {
    if (log.isDebugEnabled()) log.debug("{}: start {} {}", name, t.item, t.item.footprint().stream().map(Bytes::display).toList());
    run(List.of(t), () -> executor.run(t.item));
  }

  private interface Work {
    ItemExecutor.Ran run() throws InterruptedException;
  }

  /** Runs {@code work} on one worker for the tasks of {@code group}; its result finishes each of them. */
  private void run(List<Task> group, Work work) {
    for (Task g : group) {
      g.state = State.RUNNING;
      g.attempts++;
    }
    running++;
    workers.execute(
        () -> {
          ItemExecutor.Ran r;
          try {
            r = work.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new ItemExecutor.Ran(new TransferResult(Outcome.RETRY, -1, List.of(), 0, 0, 0, "interrupted (shutting down)"));
          } catch (RuntimeException e) {
            log.debug("transfer to {} threw", name, e);
            r = new ItemExecutor.Ran(new TransferResult(Outcome.RETRY, -1, List.of(), 0, 0, 0, String.valueOf(e.getMessage())));
          }
          ItemExecutor.Ran ran = r;
          loop.execute(() -> {
            running += group.size() - 1; // one worker ran them all; finished() counts each
            for (Task g : group) {
              if (ran.result().outcome() == Outcome.OK || ran.result().outcome() == Outcome.PARTIAL) queueGoneAncestors(g, ran.goneAncestors());
              finished(g, ran.result());
            }
          });
        });
  }

  private void startProbe() {
    probeInFlight = true;
    workers.execute(() -> {
      Transport.Reachability seen;
      try {
        seen = transport.probe();
      } catch (RuntimeException e) {
        seen = Transport.Reachability.UNKNOWN;
      }
      Transport.Reachability result = seen;
      loop.execute(() -> probed(result));
    });
  }

  /** On the loop thread: a DOWN followed by an UP ends the backoff now. */
  private void probed(Transport.Reachability seen) {
    probeInFlight = false;
    changed = true;
    long now = clock.nanos();
    nextProbeNanos = now + PROBE_INTERVAL_NANOS;
    if (!backingOff) return;
    switch (seen) {
      case DOWN -> probeSawDown = true;
      case UNKNOWN -> {
        probing = false;
        probeUseless = true;
      }
      case UP -> {
        if (probeSawDown && now < nextAttemptNanos) {
          log.info("{}: answers again; trying now instead of in {} ms", name, (nextAttemptNanos - now) / 1_000_000);
          nextAttemptNanos = now;
        }
        probeSawDown = false;
      }
    }
  }

  /**
   * A send left out paths whose parent is gone from the source (see {@link VanishedPaths}): the
   * deletion of their topmost missing ancestors goes behind it as an item of its own, so that it is
   * ordered against every other item under those directories (run inside the send it was not, and
   * could remove what a send beside it had just copied under a directory made again). Journaled
   * before the send's record is closed.
   */
  private void queueGoneAncestors(Task t, List<byte[]> ancestors) {
    if (ancestors.isEmpty()) return;
    if (log.isDebugEnabled()) log.debug("{}: parents gone from the source, deleted as an item of their own: {}", name, ancestors.stream().map(Bytes::display).toList());
    add(newTask(new WorkItem.Send(List.copyOf(ancestors), false, 0, t.item.oldestNanos())));
  }

  private void finished(Task t, TransferResult r) {
    running--;
    changed = true;
    listener.finished(name, t.item, r, clock.nanos());
    if (t.startup) {
      t.startup = false;
      startupListener.startupResult(name, r.outcome(), oneLine(r.message()));
    }
    long now = clock.nanos();
    switch (r.outcome()) {
      case OK -> {
        remove(t);
        if (journal != null) {
          journal.done(t.seq);
          for (long s : t.alsoDone) journal.done(s);
        }
        if (backingOff) {
          log.info("{}: reachable again after {} failed attempts; resuming", name, retryAttempts);
          if (tasks.size() > BACKLOG_FULL_SYNC_ITEMS) collapseQueued("backlog", "a backlog of " + tasks.size() + " items after the outage");
          else mergeQueuedSends();
        }
        backingOff = false;
        probing = false;
        probeSawDown = false;
        retryAttempts = 0;
        failedFatally = false;
        lastSuccessMillis = clock.epochMillis();
        deliveredFiles += r.files();
        deliveredBytes += r.bytes();
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
          case WorkItem.Rename m -> log.info("{}: {}, {} ms", name, m, r.millis());
        }
        listener.delivered(name, t.item, r, now);
      }
      case PARTIAL -> {
        failures++;
        lastError = r.message();
        lastExitCode = r.exitCode();
        lastErrorMillis = clock.epochMillis();
        remove(t);
        List<byte[]> again = r.failedPaths().isEmpty() ? t.item.footprint() : r.failedPaths();
        if (source != null) again = VanishedPaths.collapse(again, source); // else a vanished parent fails forever
        WorkItem retry = t.item instanceof WorkItem.FullSync ? t.item
            : new WorkItem.Send(List.copyOf(again), t.item instanceof WorkItem.Send s ? s.recursive() : true, 0, t.item.oldestNanos());
        long wait = settings.retry().delayNanos(t.attempts);
        Task nt = new Task(retry, journal != null ? journal.append(retry) : ++localSeq,
            new ArrayList<>(), false);
        nt.attempts = t.attempts;
        nt.notBefore = now + wait;
        add(nt);
        if (journal != null) journal.done(t.seq);
        if (t.item instanceof WorkItem.FullSync) {
          log.warn("{}: {}: {} paths not transferred (rsync exit {}: {}); the full sync runs again in {} ms",
              name, t.item, r.failedPaths().size(), r.exitCode(), oneLine(r.message()), wait / 1_000_000);
        } else {
          log.warn("{}: {} of {} paths not transferred (rsync exit {}: {}); queued again, next attempt in {} ms",
              name, again.size(), t.paths(), r.exitCode(), oneLine(r.message()), wait / 1_000_000);
        }
      }
      case RETRY, FATAL -> {
        failures++;
        lastError = r.message();
        lastExitCode = r.exitCode();
        lastErrorMillis = clock.epochMillis();
        t.state = State.QUEUED;
        retryAttempts++;
        boolean fatal = r.outcome() == Outcome.FATAL;
        failedFatally |= fatal;
        long wait = (fatal ? settings.fatalRetry() : settings.retry()).delayNanos(retryAttempts);
        backingOff = true;
        nextAttemptNanos = now + wait;
        if (!probing && !fatal) probeSawDown = false;
        probing = !fatal && !probeUseless;
        nextProbeNanos = now + PROBE_INTERVAL_NANOS;
        if (fatal) {
          log.error("{}: {} failed (rsync exit {}): {}; this needs an operator; the work stays queued and journaled, next attempt in {} s",
              name, t.item, r.exitCode(), oneLine(r.message()), wait / 1_000_000_000);
        } else {
          log.warn("{}: {} failed (rsync exit {}): {}; {} items queued, next attempt in {} ms",
              name, t.item, r.exitCode(), oneLine(r.message()), tasks.size(), wait / 1_000_000);
        }
      }
    }
    collapseIfTooLong();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replace('\n', ' ');
  }

  private void remove(Task t) {
    changed = true;
    tasks.remove(t);
    queuedPaths -= t.paths();
  }

  /**
   * A target far behind (down for long under load) gets one full sync instead of an unbounded
   * queue; the replaced items stay in the journal until that full sync has arrived.
   */
  private void collapseIfTooLong() {
    if (queuedPaths <= settings.maxQueuedPaths()) return;
    collapseQueued("queue too long", "queued items exceed " + settings.maxQueuedPaths() + " paths");
  }

  /**
   * A target back from an outage: its queued batches — each an rsync of its own, and those touching
   * the same trees one after another — become one send of all their plain paths and one of all their
   * trees (measured: 60 s down under 1,000 ops/s left ~60 batches that took 30 s to replay, most of
   * it the per-run cost of batches that found nothing left to send). A send reconciles its paths
   * with the source as it is now, so the order among sends does not matter; queued renames keep
   * their place ahead of the merged sends, and a queued full sync stays a barrier (only what is
   * before it merges). The merged sends are journaled before the replaced records are closed.
   */
  private void mergeQueuedSends() {
    int end = 0;
    while (end < tasks.size() && !(tasks.get(end).state == State.QUEUED && tasks.get(end).item instanceof WorkItem.FullSync)) end++;
    List<Task> merged = new ArrayList<>();
    for (Task t : tasks.subList(0, end)) if (t.state == State.QUEUED && t.item instanceof WorkItem.Send) merged.add(t);
    if (merged.size() < 2) return;
    Set<Bytes.Key> trees = new java.util.LinkedHashSet<>();
    Set<Bytes.Key> plain = new java.util.LinkedHashSet<>();
    long oldest = Long.MAX_VALUE, bytes = 0;
    for (Task t : merged) {
      var send = (WorkItem.Send) t.item;
      for (byte[] p : send.paths()) (send.recursive() ? trees : plain).add(new Bytes.Key(p));
      oldest = Math.min(oldest, send.oldestNanos());
      bytes += send.bytes();
    }
    List<byte[]> treeList = new ArrayList<>();
    for (Bytes.Key k : trees) if (!underAny(k.bytes(), trees, false)) treeList.add(k.bytes());
    List<byte[]> plainList = new ArrayList<>();
    for (Bytes.Key k : plain) if (!underAny(k.bytes(), trees, true)) plainList.add(k.bytes());
    for (Task t : merged) {
      remove(t);
      if (journal != null) {
        journal.done(t.seq);
        for (long q : t.alsoDone) journal.done(q);
      }
    }
    // after the queued renames, before a queued full sync
    int at = 0;
    while (at < tasks.size() && !(tasks.get(at).state == State.QUEUED && tasks.get(at).item instanceof WorkItem.FullSync)) at++;
    List<Task> fresh = new ArrayList<>();
    if (!plainList.isEmpty()) fresh.add(newTask(new WorkItem.Send(List.copyOf(plainList), false, bytes, oldest)));
    if (!treeList.isEmpty()) fresh.add(newTask(new WorkItem.Send(List.copyOf(treeList), true, 0, oldest)));
    for (Task t : fresh) {
      tasks.add(at++, t);
      queuedPaths += t.paths();
    }
    changed = true;
    log.info("{}: back with {} queued batches; merged into {} ({} paths, {} trees)", name, merged.size(), fresh.size(),
        plainList.size(), treeList.size());
  }

  private Task newTask(WorkItem item) {
    return new Task(item, journal != null ? journal.append(item) : ++localSeq, new ArrayList<>(), false);
  }

  /** Whether {@code p} lies below one of {@code trees} (or is one, when {@code orEqual}). */
  private static boolean underAny(byte[] p, Set<Bytes.Key> trees, boolean orEqual) {
    if (orEqual && trees.contains(new Bytes.Key(p))) return true;
    for (int i = p.length - 1; i > 0; i--)
      if (p[i] == '/' && trees.contains(new Bytes.Key(java.util.Arrays.copyOf(p, i)))) return true;
    return false;
  }

  /** Replaces every queued (not running) item by one full sync, which marks their journal records done. */
  private void collapseQueued(String reason, String why) {
    List<Long> seqs = new ArrayList<>();
    long oldest = clock.nanos();
    int n = 0;
    for (Iterator<Task> it = tasks.iterator(); it.hasNext(); ) {
      Task t = it.next();
      if (t.state != State.QUEUED) continue;
      seqs.add(t.seq);
      seqs.addAll(t.alsoDone);
      oldest = Math.min(oldest, t.item.oldestNanos());
      queuedPaths -= t.paths();
      it.remove();
      n++;
    }
    log.warn("{}: {}; replacing {} queued items with one full sync", name, why, n);
    add(new Task(new WorkItem.FullSync(deleteWhileRunning, reason, oldest), ++localSeq, seqs, false));
  }

  public EngineStatus.Target snapshot(long coalescerOldestNanos) {
    long now = clock.nanos();
    long oldest = coalescerOldestNanos >= 0 ? coalescerOldestNanos : Long.MAX_VALUE;
    long bytes = 0;
    for (Task t : tasks) {
      oldest = Math.min(oldest, t.item.oldestNanos());
      if (t.item instanceof WorkItem.Send s) bytes += s.bytes();
    }
    long lag = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (now - oldest) / 1_000_000);
    String state = failedFatally ? "failed" : backingOff ? "retrying"
        : tasks.stream().anyMatch(t -> t.item instanceof WorkItem.FullSync && t.state == State.RUNNING) ? "syncing" : "ok";
    long nextAttempt = backingOff ? clock.epochMillis() + Math.max(0, (nextAttemptNanos - now) / 1_000_000) : 0;
    return new EngineStatus.Target(name, state, tasks.size(), queuedPaths, running, lastSuccessMillis, lag,
        deliveredFiles, deliveredBytes, failures, lastError, lastErrorMillis, nextAttempt, bytes, journal == null ? 0 : journal.liveCount(),
        lastExitCode, lastExitCode < 0 ? "" : dev.livesync.transport.ExitCodes.meaning(lastExitCode),
        transport instanceof DeletionGuard g ? g.held() : 0);
  }

  public boolean failedFatally() {
    return failedFatally;
  }

  /** True while the target is down: its last attempt failed and the next waits for a backoff. */
  public boolean backingOff() {
    return backingOff;
  }

  /** Items queued (not running). */
  public int queued() {
    return (int) tasks.stream().filter(t -> t.state == State.QUEUED).count();
  }

  public int running() {
    return running;
  }

  /** Paths claimed by earlier unfinished items: exact paths and all their ancestors. */
  static final class Claims {
    private final Set<Bytes.Key> exact = new HashSet<>();
    private final Set<Bytes.Key> above = new HashSet<>();
    boolean all;

    void add(WorkItem item) {
      if (item instanceof WorkItem.FullSync) {
        all = true;
        return;
      }
      for (byte[] p : item.footprint()) {
        exact.add(new Bytes.Key(p));
        for (int i = p.length - 1; i > 0; i--) if (p[i] == '/') above.add(new Bytes.Key(java.util.Arrays.copyOf(p, i)));
      }
    }

    boolean conflicts(WorkItem item) {
      if (all) return true;
      if (item instanceof WorkItem.FullSync) return !exact.isEmpty();
      for (byte[] p : item.footprint()) {
        if (exact.contains(new Bytes.Key(p)) || above.contains(new Bytes.Key(p))) return true;
        for (int i = p.length - 1; i > 0; i--)
          if (p[i] == '/' && exact.contains(new Bytes.Key(java.util.Arrays.copyOf(p, i)))) return true;
      }
      return false;
    }
  }
}
