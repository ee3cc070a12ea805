package dev.livesync.sync;

import static dev.livesync.fs.InotifyMask.*;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Errno;
import dev.livesync.fs.KernelLimits;
import dev.livesync.fs.NativeException;
import dev.livesync.fs.WatchEvent;
import dev.livesync.fs.WatchProgress;
import dev.livesync.fs.Watcher;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Versions;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch on one sync's source: the {@link Watcher} (inotify or fanotify, see {@link WatcherChoice}),
 * what it cannot watch, and its events turned into the {@link Coalescer}'s calls (paths relative to
 * the source, excluded ones dropped), and mounts below it ({@link SourceMounts}). An overflow is
 * remembered for the loop ({@link #takeOverflow}), which sets the watch up anew ({@link #rewatch}).
 * Loop thread only, but {@link #wakeup()}.
 */
final class SourceEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  static final int MASK = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;

  private final EngineSettings settings;
  private final byte[] root; // absolute, with a trailing slash
  private final Coalescer coalescer;
  private final RecentNames names;
  private final SourceMounts mounts;
  private final UnwatchedDirs unwatched;
  /** Directories reported as not watched since the last rewatch: the log names the first 20. */
  private final AtomicInteger reported = new AtomicInteger();
  private WatcherChoice.Decision choice;
  private volatile Watcher watcher;
  private boolean overflow;
  private boolean dropped;
  /** The source's own watch said it was moved, deleted or unmounted ({@link #takeRootWent}). */
  private String rootWent;
  private boolean ownDirSaid;
  private long overflows;
  /** The queue length setting's value when the watcher was made ({@link KernelLimits#queueWords}). */
  private long queueAtWatch = -1;
  /** fs.inotify.max_user_watches when a directory could not be watched for want of watches; -1: none since the last rewatch. */
  private volatile long limitWhenShort = -1;
  private long nextLimitLookNanos;
  /** Where a start's look at a target's top level is to come: the top-level names changed since; else null. */
  private LiveTopLevel live;
  /** The {@link dev.livesync.fs.KernelQueue#drainedAtNanos()} of the watchers set up anew since. */
  private long drainedBefore = Long.MIN_VALUE;

  SourceEvents(EngineSettings settings, byte[] root, Coalescer coalescer) {
    this(settings, root, coalescer, null, Clock.SYSTEM);
  }

  /** {@code names}: where the names made and renamed are told, for the mass-deletion guard (null: nowhere). */
  SourceEvents(EngineSettings settings, byte[] root, Coalescer coalescer, RecentNames names, Clock clock) {
    this.settings = settings;
    this.root = root;
    this.coalescer = coalescer;
    this.names = names;
    this.mounts = new SourceMounts(settings, root, this::wakeup);
    this.unwatched = new UnwatchedDirs(settings.schedule() != null, clock);
  }

  /**
   * Decides the kind of watcher and watches the source (throws when the source cannot be watched),
   * counting the setup in {@code setup}.
   */
  void open(WatchProgress setup) {
    choice = WatcherChoice.decide(settings.watcher(), settings.source(), settings.watcherSetting());
    log.info("sync '{}': watching {} with {}: {}", settings.name(), Bytes.display(settings.source()), choice.kind().word(), choice.why());
    mounts.open();
    watcher = newWatcher(setup);
    mounts.check(watcher);
  }

  /** {@code from} was renamed to {@code to} while livesync was stopped ({@link CatchUp}): told as a rename the events saw. */
  void renamedWhileStopped(byte[] from, byte[] to) {
    if (names != null) names.moved(from, to);
  }

  /** Records the top-level name of every change from now on in {@code live} while it records. */
  void recordTopLevel(LiveTopLevel live) {
    this.live = live;
  }

  private static long queueLength(boolean fanotify) {
    return fanotify ? KernelLimits.fanotifyMaxQueuedEvents() : KernelLimits.maxQueuedEvents();
  }

  private Watcher newWatcher(WatchProgress progress) {
    // the kernel sizes the queue when the instance is made: what an overflow's line says, whatever the setting says by then
    queueAtWatch = queueLength(choice.kind() == WatcherChoice.Kind.FANOTIFY);
    var w = WatcherChoice.build(choice, new WatcherChoice.Options(MASK, true, true,
        p -> !settings.excludes().isEmpty() && isUnderRoot(p) && settings.excludes().excluded(rel(p), true), this::onWatchError, progress,
        settings.readAhead()));
    try (var told = choice.kind() == WatcherChoice.Kind.INOTIFY ? WatchSetupLog.start(settings.name(), settings.stateDir(), progress) : null) {
      w.watch(settings.source());
    } catch (RuntimeException e) {
      w.close();
      throw e;
    } finally {
      progress.done();
    }
    return w;
  }

  private void onWatchError(byte[] dir, NativeException e) {
    if (e.errno() == Errno.ENOSPC && limitWhenShort < 0) limitWhenShort = KernelLimits.maxUserWatches();
    String why = unwatched.add(dir, e);
    if (why == null) return; // reported before (a fanotify walk of a new directory meets it again)
    int n = reported.incrementAndGet();
    if (n > 20) {
      if (Integer.bitCount(n) == 1) log.error("{} directories cannot be watched so far (the last: {}); see `livesync status` and `livesync doctor`", n, Bytes.display(dir));
      return;
    }
    log.error("{}", why);
  }

  private boolean isUnderRoot(byte[] p) { return p.length >= root.length && Bytes.startsWith(p, root); }

  private byte[] rel(byte[] p) { return Arrays.copyOfRange(p, root.length, p.length); }

  /** Waits up to {@code timeoutMillis} and hands what the kernel has (up to one buffer) to the coalescer; false when nothing came. */
  boolean poll(long timeoutMillis) {
    boolean remounted = mounts.apply(watcher, coalescer, this::recordLive); // before the events of what it now watches
    return watcher.poll(remounted ? 0 : timeoutMillis, this::onEvent) | remounted;
  }

  /**
   * Waits up to {@code timeoutMillis}, dropping what comes (stopping: the events are no longer
   * wanted); true when something came ({@link #droppedAny()} remembers it).
   */
  boolean pollAndDrop(long timeoutMillis) {
    boolean[] came = {false};
    watcher.poll(timeoutMillis, e -> came[0] = true);
    dropped |= came[0] | mounts.pending();
    return came[0];
  }

  /**
   * How the source's own watch said it went since the last call ("deleted or moved away",
   * "unmounted"), or null: said in the log by {@link SourceCheck#changed}, once, with what a look finds.
   */
  String takeRootWent() {
    String went = rootWent;
    rootWent = null;
    return went;
  }

  /** Whether {@link #pollAndDrop} has dropped anything: a change the targets did not get. */
  boolean droppedAny() { return dropped; }

  private void onEvent(WatchEvent e) {
    if (log.isTraceEnabled()) log.trace("event {}", e);
    if (e.isOverflow()) {
      overflow = true;
      return;
    }
    if (e.name().length == 0) {
      // The source's own mode, owner or mtime: no send of a path below carries it when nothing else changes
      if (e.has(IN_ATTRIB) && Arrays.equals(Bytes.withSlash(e.watchPath()), root)) coalescer.changed(RootItself.PATH);
      if (e.has(IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT) && Bytes.startsWith(root, e.watchPath()) && e.watchPath().length >= root.length - 1) {
        rootWent = e.has(IN_UNMOUNT) ? "unmounted" : "deleted or moved away";
      }
      return;
    }
    byte[] full = e.fullPath();
    if (!isUnderRoot(full)) return;
    byte[] rel = rel(full);
    if (Versions.reserved(rel)) {
      ownDirTouched();
      return; // a MOVED_FROM out of it unpaired: what comes out is a tree moved in; one into it: a delete
    }
    boolean dir = e.isDir();
    int m = e.mask();
    if (settings.excludes().excluded(rel, dir)) {
      if ((m & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)) != 0) excludedEntryCameOrWent(rel);
      return;
    }
    if (dir && (m & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)) != 0) unwatchedMoved(m, e.cookie(), full);
    recordLive(rel);
    if ((m & IN_CREATE) != 0) coalescer.created(rel, dir);
    if ((m & IN_CREATE) != 0 && names != null) names.made(rel);
    if ((m & IN_MODIFY) != 0 && !dir) coalescer.modified(rel);
    if ((m & IN_ATTRIB) != 0) coalescer.changed(rel);
    if ((m & IN_CLOSE_WRITE) != 0) coalescer.closedWrite(rel);
    if ((m & IN_DELETE) != 0) coalescer.deleted(rel, dir);
    if ((m & IN_MOVED_FROM) != 0) coalescer.movedFrom(e.cookie(), rel, dir);
    if ((m & (IN_DELETE | IN_MOVED_FROM)) != 0 && names != null) names.gone(rel); // made again, that name is no new one
    if ((m & IN_MOVED_TO) != 0) {
      byte[] from = coalescer.movedTo(e.cookie(), rel, dir);
      if (names != null) names.moved(from, rel);
    }
  }

  /**
   * The source's own {@code .livesync} (or something in it) changed: nothing of it ever goes to a
   * target, where that name holds the versions and snapshots. Said once.
   */
  private void ownDirTouched() {
    if (ownDirSaid) return;
    ownDirSaid = true;
    log.warn("sync '{}': {} is the name livesync keeps its versions and snapshots under on a target: the source's own {}/ is never replicated "
        + "(changes in it, its deletion and renames into or out of it are ignored)", settings.name(), Versions.DIR,
        Bytes.display(Bytes.concat(root, Bytes.of(Versions.DIR))));
  }

  /** Directory {@code full} deleted, or moved (paired by {@code cookie}): what was not watched there is not counted there any more. */
  private void unwatchedMoved(int mask, int cookie, byte[] full) {
    if ((mask & IN_DELETE) != 0) unwatched.gone(full);
    if ((mask & IN_MOVED_FROM) != 0) unwatched.movedFrom(cookie, full);
    if ((mask & IN_MOVED_TO) != 0) unwatched.movedTo(cookie, full);
  }

  private void recordLive(byte[] rel) {
    if (live == null) return;
    if (live.recording()) live.changed(rel);
    else live = null;
  }

  /**
   * An excluded entry was made, removed or renamed: nothing of it goes, but its directory's mtime
   * changed, so the directory goes as itself (rsync sets it; else the target kept the old one, and
   * a clean stop's next start took the directory for one changed while livesync was stopped). Not
   * a directory that is excluded too, nor the source's own, whose mtime every send carries.
   */
  private void excludedEntryCameOrWent(byte[] rel) {
    int slash = rel.length - 1;
    while (slash > 0 && rel[slash] != '/') slash--;
    if (slash <= 0) return;
    byte[] dir = Arrays.copyOf(rel, slash);
    if (settings.excludes().excluded(dir, true)) return;
    recordLive(dir);
    coalescer.changed(dir);
  }

  /** Whether the kernel dropped events since the last call. */
  boolean takeOverflow() {
    boolean o = overflow;
    overflow = false;
    return o;
  }

  /**
   * After an overflow: the watcher is set up anew (the caller then queues a full sync, which reads
   * the tree after the new watches are in place).
   */
  void rewatch() {
    overflows++;
    boolean fan = watcher.kind().equals("fanotify");
    log.warn("{} event queue overflowed ({}): rewatching {} and queueing a full sync to every target; watching continues", watcher.kind(),
        KernelLimits.queueWords(fan, queueAtWatch, queueLength(fan), System.getProperty("os.version")), Bytes.display(settings.source()));
    renew();
  }

  /** The source is back after it was gone: the watcher is set up anew (the caller then queues a full sync). */
  void renewAfterSourceBack() {
    renew();
  }

  /**
   * Sets the watcher up anew when fs.inotify.max_user_watches was raised since a directory could not
   * be watched for want of watches (looked at every 5 s): the caller then queues a full sync, as
   * after an overflow. True when it did.
   */
  boolean rewatchIfLimitRaised(long now) {
    if (limitWhenShort < 0 || now < nextLimitLookNanos) return false;
    nextLimitLookNanos = now + 5_000_000_000L;
    long limit = KernelLimits.maxUserWatches();
    if (limit <= limitWhenShort) return false;
    log.warn("fs.inotify.max_user_watches was raised from {} to {}: rewatching {} ({} directories could not be watched) and "
        + "queueing a full sync to every target", limitWhenShort, limit, Bytes.display(settings.source()), unwatched.count());
    renew();
    return true;
  }

  private void renew() {
    // The old one goes first: at fs.inotify.max_user_instances a second instance cannot be had, and
    // nothing is lost by the gap, since the full sync queued after this runs after the new watches are set.
    drainedBefore = drainedAtNanos();
    watcher.close();
    unwatched.clear(); // the new watcher reports again what it cannot watch
    reported.set(0);
    limitWhenShort = -1;
    watcher = newWatcherOnceTheOldIsGone();
  }

  /**
   * The kernel counts an inotify instance against fs.inotify.max_user_instances until the last
   * reference to it goes, and a child being spawned at that moment (rsync, for a batch) holds a copy
   * of the descriptor table until its exec: right after the old one's close, at the limit, the new
   * one may be refused for a moment (the overflow scenario test stopped there in 1 of 3 CI runs).
   * Tried again for up to 2 s; a limit really reached still stops the sync, as before.
   */
  private Watcher newWatcherOnceTheOldIsGone() {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (true) {
      try {
        return newWatcher(new WatchProgress());
      } catch (NativeException e) {
        if (e.errno() != Errno.EMFILE || System.nanoTime() > deadline) throw e;
        try {
          Thread.sleep(20);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  long overflows() { return overflows; }

  /** The first directory that could not be watched (since the last rewatch), why and what to do; empty when none. */
  String firstUnwatched() {
    String first = unwatched.first();
    return first.isEmpty() ? mounts.firstUnwatched() : first;
  }

  /** Directories that could not be watched (since the last rewatch), and still in the tree. */
  int unwatched() { return unwatched.count() + mounts.unwatched(); }

  /** {@code inotify} or {@code fanotify}. */
  String watcherKind() {
    return choice == null ? "" : choice.kind().word();
  }

  int watchCount() {
    Watcher w = watcher;
    return w == null ? 0 : w.watchCount();
  }

  /**
   * When the oldest change not sent yet was made, as far as the engine can tell ({@link
   * Clock#nanos()} at {@code now}): the coalescer's oldest ({@code coalescerOldest}, -1: none), or
   * older, events read ahead of the engine and not handed to it yet. The targets' lag counts from
   * it: events that wait for the engine wait for the targets too.
   */
  long oldestChangeNanos(long coalescerOldest, long now) {
    long age = unreadAgeNanos();
    if (age <= 0) return coalescerOldest;
    return coalescerOldest < 0 ? now - age : Math.min(coalescerOldest, now - age);
  }

  /** See {@link dev.livesync.fs.KernelQueue#unreadAgeNanos()}. */
  long unreadAgeNanos() {
    Watcher w = watcher;
    return w == null ? 0 : w.queue().unreadAgeNanos();
  }

  /** See {@link dev.livesync.fs.KernelQueue#drainedAtNanos()}: what the watchers so far have read. */
  long drainedAtNanos() {
    Watcher w = watcher;
    return Math.max(drainedBefore, w == null ? Long.MIN_VALUE : w.queue().drainedAtNanos());
  }

  /**
   * The engine loop as a target runner sees it: {@code post} hands a worker's result to it, and
   * its reads of this watch are what {@link SourceReads} asks about (loop thread only; {@code
   * post} from any).
   */
  TargetRunner.Loop loop(java.util.function.Consumer<Runnable> post) {
    return new TargetRunner.Loop() {
      @Override
      public void execute(Runnable r) {
        post.accept(r);
      }

      @Override
      public long sourceReadMark() {
        return System.nanoTime();
      }

      @Override
      public boolean sourceReadSince(long mark) {
        return drainedAtNanos() >= mark;
      }
    };
  }

  /** Makes a blocked poll return; safe from any thread. */
  void wakeup() {
    Watcher w = watcher;
    if (w != null) w.wakeup();
  }

  @Override
  public void close() {
    mounts.close();
    Watcher w = watcher;
    if (w != null) w.close();
  }
}
