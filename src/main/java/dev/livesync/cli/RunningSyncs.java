package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.KernelLimits;
import dev.livesync.fs.WatchProgress;
import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.Replicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicators of one {@code livesync run} process, by sync name. Each entry remembers the
 * settings it was started from so that a reload restarts only the syncs whose settings changed. Only the command's main thread mutates it;
 * {@link #statuses()} is safe from the status server's thread.
 */
final class RunningSyncs {
  private static final Logger log = LoggerFactory.getLogger(RunningSyncs.class);

  /** What to run (compared on reload: equal settings keep running). */
  record Plan(EngineSettings settings) {}

  private record Running(Plan plan, Replicator replicator) {}

  private final Map<String, Running> running = new LinkedHashMap<>();
  private final TerminalProgress progress = TerminalProgress.forStderr();
  /** Per sync name, a listener of its own beside the terminal's progress (the monitor's), or null. */
  private final java.util.function.Function<String, DeliveryListener> listeners;
  private volatile List<Replicator> published = List.of(); // what statuses() reads from other threads
  private volatile List<Starting> starting = List.of();
  /** True once SIGTERM/SIGINT came: a start stops waiting for initial syncs (the caller then stops everything, bounded). */
  private BooleanSupplier stopRequested = () -> false;
  /** How often a start waiting for initial syncs looks whether a stop was asked for. */
  private static final Duration STOP_CHECK = Duration.ofMillis(100);

  /** A sync being opened: its settings, and how far the setup of its watches has come. */
  private record Starting(EngineSettings settings, WatchProgress setup) {}

  RunningSyncs() {
    this(null);
  }

  /** {@code listeners}: the listener each sync's engine also tells (by sync name), or null. */
  RunningSyncs(java.util.function.Function<String, DeliveryListener> listeners) {
    this.listeners = listeners;
  }

  /** Waiting for initial syncs (at start, and for syncs a reload adds) ends early once {@code stop} says so. */
  void stopRequestedBy(BooleanSupplier stop) {
    this.stopRequested = stop;
  }

  void startAll(List<Plan> plans, Duration stopBound) throws InterruptedException {
    startAll(plans, stopBound, () -> {});
  }

  /**
   * Starts every sync of {@code plans}: watches each source and queues its initial syncs (in order),
   * tells {@code watching} (systemd's READY=1), then waits for the first attempt of each initial
   * sync. If one cannot start (its source cannot be watched, a target refuses us), the ones already
   * started are stopped and the error is thrown. Returns early, without waiting for the rest, once a
   * stop is requested ({@link #stopRequestedBy}): the caller's stop then bounds the first syncs by stop_timeout.
   */
  void startAll(List<Plan> plans, Duration stopBound, Runnable watching) throws InterruptedException {
    List<Starting> waiting = new ArrayList<>();
    for (Plan p : plans) waiting.add(new Starting(p.settings(), new WatchProgress()));
    starting = List.copyOf(waiting);
    try {
      for (Plan p : plans) {
        if (stopRequested.getAsBoolean()) return;
        open(p, waiting.getFirst().setup());
        waiting.removeFirst();
        starting = List.copyOf(waiting);
      }
      watching.run();
      for (Running r : List.copyOf(running.values())) if (!awaitStartup(r.replicator())) return;
    } catch (RuntimeException | InterruptedException e) {
      stopAll(stopBound);
      throw e;
    } finally {
      starting = List.of();
    }
  }

  private void start(Plan p) throws InterruptedException {
    awaitStartup(open(p, new WatchProgress()));
  }

  private Replicator open(Plan p, WatchProgress setup) {
    String name = p.settings().name();
    if (running.containsKey(name)) {
      throw new LivesyncException("two syncs are named '" + name + "'; names must be unique", 2);
    }
    log.info("sync '{}': starting: {} to {} target(s)", name, Bytes.display(p.settings().source()), p.settings().targets().size());
    Replicator r = Replicator.open(p.settings(), DeliveryListener.all(progress, listeners == null ? null : listeners.apply(name)), setup);
    running.put(name, new Running(p, r));
    publish();
    return r;
  }

  /** Waits for {@code r}'s initial syncs' first attempts; false when a stop was requested first. */
  private boolean awaitStartup(Replicator r) throws InterruptedException {
    try {
      while (!r.awaitStartup(STOP_CHECK)) if (stopRequested.getAsBoolean()) return false;
      return true;
    } catch (LivesyncException e) {
      running.remove(r.name()); // awaitStartup stopped it
      publish();
      throw e;
    } finally {
      if (progress != null) progress.clear();
    }
  }

  /**
   * SIGHUP: stops the syncs that are gone or changed, starts the new and changed ones; unchanged
   * syncs keep running untouched. A sync that fails to start is logged and left out (the others run).
   */
  void reload(List<Plan> plans, Duration stopBound) throws InterruptedException {
    Map<String, Plan> wanted = new LinkedHashMap<>();
    for (Plan p : plans) wanted.put(p.settings().name(), p);
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Plan w = wanted.get(e.getKey());
      if (w == null || !Objects.equals(w.settings(), e.getValue().plan().settings())) {
        log.info("sync '{}': {}; stopping it", e.getKey(), w == null ? "removed from the config" : "changed in the config");
        e.getValue().replicator().stop(stopBound);
        it.remove();
        publish();
      }
    }
    for (Plan p : wanted.values()) {
      if (stopRequested.getAsBoolean()) return; // the stop that follows ends what runs; the rest is not started
      if (running.containsKey(p.settings().name())) continue; // unchanged: it keeps running untouched
      try {
        start(p);
      } catch (LivesyncException e) {
        log.error("sync '{}' not started: {}", p.settings().name(), e.getMessage());
      }
    }
  }

  /**
   * Why a reload to {@code plans} must not be applied because a sync it would start (new, or changed
   * and so restarted) could not start: another livesync's sync writes one of its targets, or another
   * run holds its state dir. Null when none. Asked before anything is stopped: such a sync was stopped
   * and then not started, its source no longer replicated while {@code status} showed nothing.
   * Only this process's locks are skipped (a changed sync's own state dir is not tried: closing a
   * second channel on a file this process locks would drop its lock).
   */
  LivesyncException startRefusal(List<Plan> plans) {
    for (Plan p : plans) {
      EngineSettings s = p.settings();
      Running r = running.get(s.name());
      if (r != null && Objects.equals(r.plan().settings(), s)) continue; // unchanged: it keeps running
      LivesyncException held = r == null ? dev.livesync.sync.Preflight.stateDirHeld(s) : null;
      if (held == null) held = dev.livesync.sync.Preflight.targetHeld(s);
      if (held != null) return new LivesyncException("sync '" + s.name() + "' could not start: " + held.getMessage(), held.exitCode(), held);
    }
    return null;
  }

  void stopAll(Duration bound) throws InterruptedException {
    for (Running r : running.values()) r.replicator().stop(bound);
    running.clear();
    publish();
  }

  private void publish() {
    published = running.values().stream().map(Running::replicator).toList();
  }

  /** True when every engine loop turned within {@code maxNanos} (systemd's watchdog); safe from any thread. */
  boolean loopsTurnedWithin(long maxNanos) {
    for (Replicator r : published) if (!r.loopTurnedWithin(maxNanos)) return false;
    return true;
  }

  /** The first internal error that stopped a sync's engine, or null. */
  Throwable crashed() {
    for (Running r : running.values()) if (r.replicator().crashed() != null) return r.replicator().crashed();
    return null;
  }

  int size() {
    return running.size();
  }

  /**
   * A request line from the status socket (another thread): {@code release-deletes [SYNC]} lets the
   * held deletions of that sync (or of every sync) go. The answer is JSON: {@code {"released":{NAME:N}}}
   * or {@code {"error":"..."}}.
   */
  String command(String line) {
    String[] words = line.strip().split("\\s+");
    if (!words[0].equals("release-deletes") || words.length > 2) {
      return "{\"error\":" + dev.livesync.ops.status.Json.quote("unknown request: " + line) + "}";
    }
    List<Replicator> all = published;
    if (words.length == 2 && all.stream().noneMatch(r -> r.name().equals(words[1]))) {
      return "{\"error\":" + dev.livesync.ops.status.Json.quote("no sync is named '" + words[1] + "' (see 'livesync status')") + "}";
    }
    var released = dev.livesync.ops.status.Json.MAPPER.createObjectNode();
    for (Replicator r : all) {
      if (words.length == 2 && !r.name().equals(words[1])) continue;
      long n = r.releaseDeletes();
      released.put(r.name(), n);
      if (n > 0) log.warn("sync '{}': {} held deletions released (livesync release-deletes)", r.name(), n);
    }
    return "{\"released\":" + released + "}";
  }

  List<EngineStatus> statuses() {
    List<EngineStatus> out = new ArrayList<>();
    for (Replicator r : published) {
      EngineStatus s = r.status();
      if (s != null) out.add(s);
    }
    for (Starting s : starting) out.add(placeholder(s));
    return out;
  }

  private static EngineStatus placeholder(Starting s) {
    long watched = s.setup().watchedDirs(); // read once: "watches N" and the setup line say the same count
    return new EngineStatus(s.settings().name(), Bytes.display(s.settings().source()), "starting", (int) Math.min(Integer.MAX_VALUE, watched),
        KernelLimits.maxUserWatches(), 0, 0, 0, List.of(), System.currentTimeMillis(), "",
        watched == 0 && s.setup().listedDirs() == 0 ? "" : "setting up watches: " + s.setup().describe(watched), "", "");
  }
}
