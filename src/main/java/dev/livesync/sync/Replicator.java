package dev.livesync.sync;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.KernelLimits;
import dev.livesync.fs.Libc;
import dev.livesync.fs.WatchProgress;
import dev.livesync.fs.Watcher;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.transport.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sync: the engine that {@code run}, {@code start}, {@code demo} and {@code bench} start
 * in-process. Pipeline: kernel → {@link Watcher} (inotify or fanotify, see {@link WatcherChoice}) → {@link Coalescer} → {@link Batcher} → one
 * {@link TargetRunner} per target (parallel rsync workers) → target, with full syncs (start, queue
 * overflow, schedule) fed into the same per-target queues. Everything but the transfers runs on one
 * loop thread; workers hand results back to it. See docs/engine.md.
 *
 * <pre>
 * var r = Replicator.start(settings, listener);   // watches, then initial sync; throws on auth errors
 * r.status();                                     // snapshot for `livesync status`
 * r.stop(Duration.ofSeconds(10));                 // SIGTERM: flush, finish or journal, return
 * </pre>
 */
public final class Replicator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  private static final long STATUS_EVERY_NANOS = 200_000_000L;

  private final EngineSettings settings;
  private final List<Transport> transports; // one per target, in the settings' order
  private final Clock clock;
  private final byte[] root; // absolute, with a trailing slash
  private final Coalescer coalescer;
  /** The names the source made and renamed lately, for the targets' mass-deletion guards. */
  private final RecentNames names;
  private final HardLinks hardLinks;
  private final SourceStats stats;
  private final Batcher batcher;
  private final List<TargetRunner> targets = new ArrayList<>();
  private final List<Journal> journals = new ArrayList<>();
  private StateLock stateLock;
  private StartupPlan startupPlan;
  private SourceCheck sourceCheck;
  /** Counts the first watcher's setup (a rescan counts in a new one). */
  private WatchProgress firstSetup;
  private final List<DeletionGuard> guards = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final DeliveryListener listener;
  private final StartupResults startup;
  private final SourceEvents events;
  private final Runnable wakeOnFreedSlot; // a target refused a transfer slot looks again
  private VersionPruner pruner;
  private Thread loopThread;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile EngineStatus status;
  private volatile Throwable crashed;
  /** Every target had a batch waiting to start at the end of the last turn (see Batcher#poll). */
  private boolean backlog;
  private long nextScheduleNanos = -1;
  private long lastStatusNanos;
  private boolean statusStale; // work ended since the status was last published
  /** When the loop last began a turn (System.nanoTime): the systemd watchdog pings only while it is recent. */
  private volatile long heartbeatNanos = System.nanoTime();

  private Replicator(EngineSettings s, List<Transport> transports, Clock clock, DeliveryListener listener) {
    this.settings = s;
    this.transports = List.copyOf(transports);
    this.clock = clock;
    this.listener = listener;
    this.root = Bytes.withSlash(s.source());
    this.stats = new SourceStats(root);
    this.hardLinks = new HardLinks(root, s.excludes(), stats);
    this.coalescer = new Coalescer(clock, s.maxHold().toNanos(), rel -> dev.livesync.fs.WriterProbe.beingWritten(Bytes.concat(root, rel)));
    coalescer.excludes = s.excludes();
    this.batcher = new Batcher(coalescer, clock,
        new Batcher.Limits(s.delay().toNanos(), s.maxPaths(), s.maxBytes(), s.largeFile()), stats::size,
        stats::isDir);
    this.startup = new StartupResults(transports.size());
    this.names = new RecentNames(clock);
    this.events = new SourceEvents(s, root, coalescer, names, clock);
    this.wakeOnFreedSlot = events::wakeup;
  }

  /**
   * Watches the source, queues the initial full sync (and what the journal left undone) for every
   * target and waits for the first attempt of each initial sync. Throws a {@link LivesyncException}
   * when the source cannot be watched or a target refuses us (authentication, usage): retrying
   * would not help. An unreachable target is not an error here: it is retried in the background.
   */
  public static Replicator start(EngineSettings s, DeliveryListener listener) throws InterruptedException {
    return start(s, s.openTransports(true), listener);
  }

  /**
   * {@link #start(EngineSettings, DeliveryListener)} through {@code transports} instead of the
   * settings' targets (tests, demo and bench wrap or fake them). The engine owns them from here on
   * and closes them when it stops.
   */
  public static Replicator start(EngineSettings s, List<Transport> transports, DeliveryListener listener) throws InterruptedException {
    return start(s, transports, listener, Clock.SYSTEM);
  }

  static Replicator start(EngineSettings s, List<Transport> transports, DeliveryListener listener, Clock clock) throws InterruptedException {
    var r = open(s, transports, listener, clock, new WatchProgress());
    r.awaitStartup();
    return r;
  }

  /**
   * The first half of {@link #start(EngineSettings, DeliveryListener)}: watches the source and queues
   * the initial full syncs, without waiting for them ({@code run} tells systemd it is ready here),
   * counting the setup of the watches in {@code setup} (status while starting); {@link #awaitStartup()}
   * is the second half.
   */
  public static Replicator open(EngineSettings s, DeliveryListener listener, WatchProgress setup) {
    return open(s, s.openTransports(true), listener, Clock.SYSTEM, setup);
  }

  static Replicator open(EngineSettings s, List<Transport> transports, DeliveryListener listener, Clock clock, WatchProgress setup) {
    if (transports.isEmpty()) throw new LivesyncException("sync '" + s.name() + "' has no target", 2);
    var r = new Replicator(s, transports, clock, listener == null ? DeliveryListener.NONE : listener);
    r.firstSetup = setup;
    try {
      r.open();
    } catch (RuntimeException e) {
      r.shutdownNow();
      throw e;
    }
    return r;
  }

  /** Waits for the first attempt of each initial sync; a target that refused us stops the engine and throws (exit 5). */
  public void awaitStartup() throws InterruptedException {
    awaitStartup(java.time.Duration.ofMillis(Long.MAX_VALUE));
  }

  /** {@link #awaitStartup()} for at most {@code wait}: false when it ran out first (a stop must not wait out a long first sync). */
  public boolean awaitStartup(java.time.Duration wait) throws InterruptedException {
    if (!startup.await(wait.toMillis())) return false;
    String refused = startup.refused();
    if (refused != null) {
      stop(java.time.Duration.ZERO);
      throw new LivesyncException(refused, dev.livesync.Exit.TARGET_REFUSED);
    }
    return true;
  }

  private void open() {
    Libc.Stat st = Libc.lstatOrNull(settings.source());
    Libc.Stat rootAtStart = Libc.statOrNull(settings.source());
    if (st == null || !st.isDir() || rootAtStart == null)
      throw new LivesyncException("source " + Bytes.display(settings.source()) + " is not a directory", 2);
    var sourceRoot = SourceRoot.of(settings.source(), rootAtStart);
    sourceCheck = new SourceCheck(settings.name(), sourceRoot);
    stateLock = StateLock.acquire(settings); // one run per sync (its journals are ours), one sync per target
    startupPlan = StartupPlan.open(settings, root, transports, clock, events, firstSetup); // the last clean stop's records: read and deleted first
    events.open(firstSetup); // watches first: nothing changed from here on is missed
    ExecHook hook = settings.exec() == null ? null : new ExecHook(settings.name(), settings.exec(), Path.of(Bytes.latin1(root).isEmpty() ? "/" : new String(root, java.nio.charset.StandardCharsets.UTF_8)));
    int i = 0;
    for (Transport t : transports) {
      Journal j = Journal.open(settings.stateDir().resolve(CleanStop.stateFile(i++, t.describe(), ".journal")));
      journals.add(j);
      ExecutorService pool = Executors.newFixedThreadPool(settings.workers(), Thread.ofPlatform().daemon().name("livesync-" + settings.name() + "-rsync-", 0).uncaughtExceptionHandler(FatalErrors.HALT).factory());
      pools.add(pool);
      var guard = new DeletionGuard(new SourceGuard(t, sourceRoot), settings.maxDelete(), clock, stats,
          TreeCount.trees(root, settings.excludes()), settings.name(),
          new HeldDeletions(settings.stateDir().resolve(CleanStop.stateFile(i - 1, t.describe(), ".held"))), names);
      guards.add(guard);
      var runner = new TargetRunner(guard, clock,
          RunnerSettings.of(settings, TransferSlots.shared()),
          new ItemExecutor.Config(settings.delete(), stats, hook, SplitFullSync.planner(settings)),
          pool, events.loop(this::post), j, DeliveryListener.all(listener, coalescer.sends), startup);
      startupPlan.submit(i - 1, runner, j, guard); // the full sync, or the changes since a clean stop
      List<byte[]> released = guard.releasedTop(); // an operator's release that the previous run did not carry out
      if (!released.isEmpty()) runner.submit(WorkItem.release(released, settings.delete(), clock.nanos()));
      if (!j.recovered().isEmpty())
        log.info(settings.delete().atStartup()
            ? "{}: {} undelivered items from the journal of the previous run; the initial full sync (with delete) covers them"
            : "{}: replaying {} undelivered items from the journal of the previous run", t.describe(), j.recovered().size());
      for (Journal.Entry e : j.recovered()) runner.submitRecovered(e);
      targets.add(runner);
    }
    coalescer.emitRenames(transports.stream().anyMatch(Transport::canRename), transports.stream().anyMatch(Transport::canRenameDirs),
        transports.stream().allMatch(Transport::canRename));
    if (settings.schedule() != null) nextScheduleNanos = clock.nanos() + settings.schedule().toNanos();
    publishStatus("starting");
    TransferSlots.shared().register(wakeOnFreedSlot);
    events.wakeup(); // the first turn dispatches the start-up work at once instead of after a second's poll
    loopThread = Thread.ofPlatform().name("livesync-" + settings.name()).daemon().start(this::loop);
    pruner = VersionPruner.start(settings.name(), transports, clock);
  }

  private void post(Runnable r) {
    completions.add(r);
    events.wakeup();
  }

  // --- the loop

  private void loop() {
    try {
      while (!stopping) turn();
      shutdownTurns();
      publishStatus("stopped");
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) FatalErrors.halt(Thread.currentThread().getName(), t);
      crashed = t;
      log.error("sync '{}' stopped by an internal error", settings.name(), t);
      // shown as failed until the process exits (code 70): status, the page, metrics and alerts say so
      sourceCheck.stopped("stopped by an internal error (" + t + "): nothing is sent; livesync exits with code 70 "
          + "(a service restarts it; the log has the trace)");
      publishStatus("stopped");
      startup.release();
    }
  }

  private void turn() {
    heartbeatNanos = System.nanoTime();
    long now = clock.nanos();
    long wake = batcher.nextDeadlineNanos(backlog);
    for (TargetRunner t : targets) wake = earliest(wake, t.nextWakeNanos());
    wake = earliest(wake, nextScheduleNanos);
    if (coalescer.hasUnpairedMoves()) wake = earliest(wake, now + 60_000_000L);
    long timeoutMs = wake < 0 ? 1000 : Math.min(1000, Math.max(0, (wake - now + 999_999) / 1_000_000));
    if (!completions.isEmpty()) timeoutMs = 0;
    if (statusStale) timeoutMs = Math.min(timeoutMs, Math.max(0, (lastStatusNanos + STATUS_EVERY_NANOS - now) / 1_000_000 + 1));
    if (events.poll(timeoutMs)) coalescer.endOfRead();
    else if (coalescer.hasUnpairedMoves()) coalescer.expireMoves(false);
    statusStale |= !completions.isEmpty();
    runCompletions();
    if (events.takeOverflow()) rescan(events::rewatch, "overflow");
    else if (events.rewatchIfLimitRaised(clock.nanos())) fullSync("watch limit raised");
    now = clock.nanos();
    if (nextScheduleNanos >= 0 && now >= nextScheduleNanos) {
      nextScheduleNanos = now + settings.schedule().toNanos();
      // a periodic full resync, not a stand-in for lost events: it deletes as the start's does
      queue(new WorkItem.FullSync(settings.delete().atStartup(), "schedule", now));
    }
    stats.keeping(() -> batcher.poll(false, backlog), this::queue); // the batcher and the hard links look once
    WorkItem.Send otherNames = hardLinks.due();
    if (otherNames != null) queue(otherNames);
    boolean tree = false;
    boolean allBacklogged = true;
    for (TargetRunner t : TransferSlots.leastServedFirst(targets)) {
      t.dispatch();
      t.syncJournal();
      tree |= t.treeTransferOutstanding();
      allBacklogged &= t.backlogged();
    }
    backlog = allBacklogged;
    coalescer.treeTransferActive(tree);
    if (sourceCheck.changed(now, events.takeRootWent())) { // back (mounted again, moved back): the old watches do not see it, nor was what changed meanwhile sent
      if (sourceCheck.problem().isEmpty()) rescan(events::renewAfterSourceBack, "source back");
      publishStatus("running");
    }
    // work that ended and left nothing behind shows at once: "caught up" is what status is read for
    if (now - lastStatusNanos >= STATUS_EVERY_NANOS || statusStale && coalescer.size() == 0 && targets.stream().allMatch(t -> t.idle() && t.running() == 0)) publishStatus("running");
  }

  private static long earliest(long a, long b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  private void queue(WorkItem item) {
    if (!(item instanceof WorkItem.Send s && !s.recursive())) coalescer.forgetCreates();
    else item = hardLinks.expand(s); // a change through one name of a hard-linked file: all its names
    for (TargetRunner t : targets) t.submit(item);
  }

  /**
   * The kernel dropped events, or the source is back: changes (and maybe new directories to watch) were
   * not seen. The watcher is set up anew, then a full sync reads the tree after the new watches are in place.
   */
  private void rescan(Runnable rewatch, String why) {
    rewatch.run();
    fullSync(why);
  }

  /** A full sync in place of live events that were not seen: it deletes as they would ({@link DeletePolicy#whileRunning}). */
  private void fullSync(String why) {
    queue(new WorkItem.FullSync(settings.delete().whileRunning(), why, clock.nanos()));
  }

  /** After stop(): everything pending goes into the queues (and journals), then work finishes or the bound passes. */
  private void shutdownTurns() {
    for (WorkItem i : batcher.drainAll()) queue(i);
    publishStatus("stopping");
    StopDrain.run(targets, pools, clock, stopDeadline, this::runCompletions, ms -> {
      events.pollAndDrop(ms);
      runCompletions();
      heartbeatNanos = System.nanoTime();
    });
    startupPlan.stopped(targets, guards, coalescer.size() == 0 && !coalescer.hasUnpairedMoves() && sourceCheck.problem().isEmpty(), events);
  }

  private void runCompletions() {
    for (Runnable r; (r = completions.poll()) != null; ) r.run();
  }

  // --- control and observation

  /**
   * Stops accepting events, queues what is pending, lets work finish for at most {@code bound},
   * leaves the rest in the journal for the next start, and releases everything.
   */
  public void stop(java.time.Duration bound) throws InterruptedException {
    stopDeadline = clock.nanos() + bound.toNanos();
    stopping = true;
    events.wakeup();
    if (loopThread != null) loopThread.join(bound.toMillis() + 10_000);
    shutdownNow();
  }

  private void shutdownNow() {
    if (pruner != null) pruner.stop();
    TransferSlots.shared().leave(wakeOnFreedSlot, targets);
    StopDrain.shutdownNow(pools);
    for (Journal j : journals) j.close();
    if (stateLock != null) stateLock.close();
    events.close();
    // the engine owns its targets from start on: their helper processes (ssh master, rename shell) end with it
    for (Transport t : transports) t.close();
  }

  @Override
  public void close() throws InterruptedException {
    stop(java.time.Duration.ofSeconds(10));
  }

  /** The latest snapshot (a few times a second, and as soon as the work runs out); safe from any thread. */
  public EngineStatus status() {
    return status;
  }

  /**
   * True while the engine loop turns: it began a turn within {@code maxNanos} (a turn waits at most
   * a second for events) and has not crashed. A stopped engine is not stuck.
   */
  public boolean loopTurnedWithin(long maxNanos) {
    Thread t = loopThread;
    return crashed == null && (t == null || !t.isAlive() || System.nanoTime() - heartbeatNanos <= maxNanos);
  }

  /**
   * Lets the deletions the mass-deletion guard holds go ({@code livesync release-deletes}): for each
   * target, exactly the held paths are queued for deletion (under a policy that deletes only at
   * startup, as a full sync with delete: that is where they were held). Returns how many paths were
   * held, over all targets.
   */
  public long releaseDeletes() {
    long n = 0;
    for (DeletionGuard g : guards) n += g.held();
    post(() -> {
      for (int i = 0; i < guards.size(); i++) {
        List<byte[]> paths = guards.get(i).release();
        if (!paths.isEmpty()) targets.get(i).submit(WorkItem.release(paths, settings.delete(), clock.nanos()));
      }
    });
    return n;
  }

  /** The internal error that stopped the loop, if any. */
  public Throwable crashed() {
    return crashed;
  }

  public String name() {
    return settings.name();
  }

  /** True when every target has nothing queued or running and no change is pending. */
  public boolean caughtUp() {
    EngineStatus s = status;
    return s != null && s.pendingPaths() == 0 && s.targets().stream().allMatch(t -> t.queuedItems() == 0 && t.inFlight() == 0);
  }

  private void publishStatus(String state) {
    lastStatusNanos = clock.nanos();
    statusStale = false;
    long oldest = events.oldestChangeNanos(coalescer.oldestChangeNanos(), clock.nanos());
    List<EngineStatus.Target> ts = new ArrayList<>(targets.size());
    for (TargetRunner t : targets) ts.add(t.snapshot(oldest));
    String problem = sourceCheck == null ? "" : sourceCheck.problem();
    status = new EngineStatus(settings.name(), Bytes.display(settings.source()),
        (state.equals("running") || crashed != null) && !problem.isEmpty() ? "failed" : state,
        events.watchCount(), KernelLimits.maxUserWatches(), coalescer.size() + (coalescer.hasUnpairedMoves() || events.unreadAgeNanos() > 0 ? 1 : 0),
        events.overflows(), events.unwatched(), List.copyOf(ts), clock.epochMillis(), problem, "", events.firstUnwatched(),
        events.watcherKind());
  }
}
