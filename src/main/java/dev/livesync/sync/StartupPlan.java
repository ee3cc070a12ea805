package dev.livesync.sync;

import dev.livesync.Release;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.Mounts;
import dev.livesync.fs.WatchProgress;
import dev.livesync.transport.TargetSpec;
import dev.livesync.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start sends each target, and what a stop leaves for the next start ({@link CleanStop}).
 * After a clean stop whose record fits (same fingerprint, the stop in the past and at most
 * {@link #MAX_AGE_MILLIS} ago, the source on a local filesystem, whose ctimes come from this
 * machine's clock), a target gets the changes since the stop ({@link CatchUp}) instead of the full
 * sync; else the full sync, and the log says why in one line. The records are read and deleted when
 * the engine opens, before anything is watched or sent.
 */
final class StartupPlan {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  static final long MAX_AGE_MILLIS = 30L * 24 * 3600 * 1000;
  /** Entries whose ctime is this much before the stop are sent too (the kernel's clock ticks coarsely). */
  static final long MARGIN_MILLIS = 2000;
  private static final int THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());
  /** Beside the watch setup, which is one thread and what a start waits for: a core left to it. */
  private static final int BESIDE_SETUP = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
  /** Filesystems whose ctimes this machine's clock sets. */
  static final Set<String> LOCAL = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "ramfs", "zfs", "f2fs", "jfs",
      "reiserfs", "bcachefs", "nilfs2", "overlay");

  private final EngineSettings settings;
  private final byte[] root;
  private final Clock clock;
  private final List<String> names = new ArrayList<>();
  private final List<Map<String, String>> fingerprints = new ArrayList<>();
  private final List<CleanStop.Record> records = new ArrayList<>();
  private final String fsType;
  private final SourceEvents events;
  private final WatchProgress setup;
  /** Looking for the changes since the stop (from the watch setup on), when some target may catch up; else null. */
  private CatchUp catchUp;
  /** The top-level names changed live, while some target's look at its top level is to come; null when no target may catch up. */
  private LiveTopLevel live;
  private CleanStop.Record walkedFrom;
  private CatchUp.Found found;
  private boolean walked;
  private String unwalkable;

  private StartupPlan(EngineSettings settings, byte[] root, List<Transport> transports, Clock clock, SourceEvents events, WatchProgress setup) {
    this.settings = settings;
    this.root = root;
    this.clock = clock;
    this.events = events;
    this.setup = setup;
    String real;
    try {
      real = Path.of(new String(settings.source(), StandardCharsets.UTF_8)).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      real = Bytes.display(settings.source());
    }
    Mounts.Mount m = Mounts.of(Path.of(real));
    fsType = m == null ? "unknown" : m.type();
    Libc.Stat st = Libc.statOrNull(settings.source());
    for (int i = 0; i < transports.size(); i++) {
      Transport t = transports.get(i);
      names.add(CleanStop.stateFile(i, t.describe(), CleanStop.RECORD));
      Map<String, String> fp = new LinkedHashMap<>();
      fp.put("source", real);
      fp.put("source filesystem", (st == null ? "?" : Long.toString(st.dev())) + " " + fsType);
      fp.put("target", t.describe());
      fp.put("excludes", String.join("\n", settings.excludes().patterns()));
      fp.put("delete policy", settings.delete().name());
      TargetSpec spec = i < settings.targets().size() ? settings.targets().get(i) : null;
      fp.put("rsync options", spec == null ? "" : String.join("\n", spec.options().extraArgs()) + "\nchecksum=" + spec.options().checksum()
          + "\nversions=" + spec.options().versions());
      fp.put("livesync version", Release.VERSION);
      fingerprints.add(fp);
    }
  }

  /**
   * Reads and deletes the records of the last clean stop (before anything else of a start); where a
   * target may catch up, looks for the changes since from the watch setup ({@code setup}) on.
   */
  static StartupPlan open(EngineSettings settings, byte[] root, List<Transport> transports, Clock clock, SourceEvents events,
      WatchProgress setup) {
    var p = new StartupPlan(settings, root, transports, clock, events, setup);
    for (String n : p.names) p.records.add(CleanStop.consume(settings.stateDir().resolve(n)));
    for (int i = 0; i < p.records.size() && p.walkedFrom == null; i++) {
      if (p.recordDoesNotFit(i) != null) continue;
      p.walkedFrom = p.records.get(i);
      p.catchUp = new CatchUp(root, settings.excludes(), (p.walkedFrom.stoppedMillis() - MARGIN_MILLIS) * 1_000_000L, BESIDE_SETUP);
      setup.onWatchedAndListed(p.catchUp::watched);
    }
    if (p.catchUp != null) {
      p.live = new LiveTopLevel();
      events.recordTopLevel(p.live);
    }
    // records of targets this start does not have (removed from the config since) go too: never reused later
    try (var left = Files.newDirectoryStream(settings.stateDir(), "*" + CleanStop.RECORD)) {
      for (Path f : left) CleanStop.consume(f);
    } catch (IOException e) {
      log.debug("cannot list {}: {}", settings.stateDir(), e.toString());
    }
    return p;
  }

  /**
   * Queues target {@code i}'s start-up work: the full sync, or the changes since the clean stop (then
   * the root directory as {@code .} goes first, as the item whose first attempt the start waits for:
   * it tells whether the target lets us in, and copies nothing that did not change).
   */
  void submit(int i, TargetRunner runner, Journal journal, DeletionGuard guard) {
    if (!walked) walk();
    try {
      queue(i, runner, journal, guard);
    } finally {
      if (live != null && i == names.size() - 1) live.looked(); // every target's start is queued
    }
  }

  private void queue(int i, TargetRunner runner, Journal journal, DeletionGuard guard) {
    String why = whyFull(i, journal, guard);
    if (why == null && !records.get(i).index().equals(walkedFrom.index())) why = "its clean-stop record is of another stop than the others'";
    long now = clock.nanos();
    if (why != null) {
      log.info("{}: full sync at start: {}", runner.name(), why);
      runner.submitStartup(new WorkItem.FullSync(settings.delete().atStartup(), "start", now));
      return;
    }
    int max = settings.maxPaths();
    // a policy without delete at start (running, never) keeps at the target what the source lost while stopped, as its full sync does
    List<byte[]> paths = settings.delete().atStartup() ? found.paths() : found.paths().stream().filter(p -> !found.gone().contains(p)).toList();
    List<WorkItem> changes = new ArrayList<>();
    List<byte[]> trees = found.trees();
    if (settings.delete().atStartup() && !found.renames().isEmpty()) {
      // a directory renamed while stopped: renamed at the target (where it can), then both names in one
      // recursive send, as after a rename the events saw; the guard counts the new name as the old one
      var paired = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<byte[], Boolean>());
      for (CatchUp.Renamed m : found.renames()) {
        if (!settings.excludes().mayDifferBelow(m.from(), m.to())) changes.add(new WorkItem.Rename(m.from(), m.to(), true, now));
        changes.add(new WorkItem.Send(List.of(m.from(), m.to()), true, 0, now));
        paired.add(m.from());
        paired.add(m.to());
      }
      paths = paths.stream().filter(p -> !paired.contains(p)).toList();
      trees = trees.stream().filter(p -> !paired.contains(p)).toList();
    }
    for (int from = 0; from < paths.size(); from += max)
      changes.add(new WorkItem.Send(List.copyOf(paths.subList(from, Math.min(paths.size(), from + max))), false, 0, now));
    for (int from = 0; from < trees.size(); from += max)
      changes.add(new WorkItem.Send(List.copyOf(trees.subList(from, Math.min(trees.size(), from + max))), true, 0, now));
    List<byte[]> changed = new ArrayList<>(found.paths());
    changed.addAll(found.trees());
    // first a look at the target's top level, in place of the root: then the root and the changes, or the full sync where the target changed
    WorkItem root = RootItself.send(now);
    runner.submitStartup(root, new TopLevelCheck(changed, found.topAtStop(), settings.delete().atStartup(), root, changes,
        new WorkItem.FullSync(settings.delete().atStartup(), "start", now), live));
  }

  /** Once the watches are set: what changed since the stop, where some target may catch up. */
  private void walk() {
    walked = true;
    setup.onWatchedAndListed(null);
    if (catchUp == null) return;
    long t0 = System.nanoTime();
    try {
      found = catchUp.find(settings.stateDir().resolve(CleanStop.INDEX), walkedFrom.index(), THREADS);
    } catch (CatchUp.Unwalkable e) {
      unwalkable = "the source could not be walked for its changes (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unwalkable = "interrupted";
    }
    if (found == null) return;
    log.info("sync '{}': {} entries changed at the source since the clean stop at {}, {} of them deletions, {} directories renamed "
        + "(looked at during the watch setup and {} ms after it)", settings.name(), found.paths().size() + found.trees().size(),
        Instant.ofEpochMilli(walkedFrom.stoppedMillis()), found.gone().size(), found.renames().size(), (System.nanoTime() - t0) / 1_000_000);
    if (settings.delete().atStartup()) for (CatchUp.Renamed m : found.renames()) events.renamedWhileStopped(m.from(), m.to());
  }

  /** Why target {@code i} gets the full sync at this start, or null: it catches up. */
  private String whyFull(int i, Journal journal, DeletionGuard guard) {
    String why = recordDoesNotFit(i);
    if (why != null) return why;
    if (events.unwatched() > 0) return "some directories of the source could not be watched";
    if (!journal.recovered().isEmpty() || guard.held() > 0 || !guard.releasedTop().isEmpty()) return "the previous run left work undone";
    if (found == null) return unwalkable != null ? unwalkable : "the listing of the source at the clean stop is missing or unreadable";
    return null;
  }

  /** Why target {@code i}'s record (or the settings) do not let it catch up, or null. */
  private String recordDoesNotFit(int i) {
    if (settings.startup() == StartupMode.FULL) return "startup = full";
    CleanStop.Record r = records.get(i);
    if (r == null) return "no clean stop recorded";
    if (r == CleanStop.UNREADABLE) return "the clean-stop record is unreadable";
    for (var e : fingerprints.get(i).entrySet()) {
      if (!e.getValue().equals(r.fingerprint().get(e.getKey()))) return "the " + e.getKey() + " changed since the clean stop";
    }
    if (!r.fingerprint().keySet().equals(fingerprints.get(i).keySet())) return "the clean-stop record is of another kind";
    long now = clock.epochMillis();
    if (r.stoppedMillis() > now) return "the clean stop is recorded at " + Instant.ofEpochMilli(r.stoppedMillis()) + ", after now (was the clock set back?)";
    if (now - r.stoppedMillis() > MAX_AGE_MILLIS) return "the clean stop was " + (now - r.stoppedMillis()) / 86_400_000L + " days ago (more than 30)";
    if (!LOCAL.contains(fsType)) return "the source is on " + fsType + ", whose change times may come from another machine's clock";
    if (settings.delete() == DeletePolicy.STARTUP) return "delete = startup deletes only at a full sync";
    return null;
  }

  /**
   * After the stop drained: when every target has nothing queued, running, failing or held, and no
   * change came since the engine last read its events, records the stop for each target; else says
   * why not and removes what a previous stop left. {@code settled}: the engine's own part (nothing
   * pending in the coalescer, the source still where it was).
   */
  void stopped(List<TargetRunner> targets, List<DeletionGuard> guards, boolean settled, SourceEvents events) {
    String why = !settled ? "changes were still pending" : events.unwatched() > 0 ? "some directories were not watched" : null;
    for (int i = 0; why == null && i < targets.size(); i++) {
      TargetRunner t = targets.get(i);
      if (!t.idle() || t.running() > 0) why = t.name() + " had work left";
      else if (t.backingOff() || t.failedFatally()) why = t.name() + " was not reachable";
      else if (guards.get(i).held() > 0 || !guards.get(i).releasedTop().isEmpty()) why = t.name() + " had deletions held";
    }
    Path dir = settings.stateDir();
    try {
      if (why == null) {
        long stopped = clock.epochMillis(); // before the listing: what changes while it is made has a later ctime
        String id = Long.toHexString(stopped) + "-" + Long.toHexString(new java.util.SplittableRandom().nextLong());
        CleanStop.writeIndex(dir.resolve(CleanStop.INDEX), id, root, settings.excludes());
        // the listing stands for what the targets hold only if nothing changed since the engine last read its events
        if (events.pollAndDrop(0) || events.droppedAny()) {
          why = "the source changed while stopping";
        } else {
          for (int i = 0; i < names.size(); i++) CleanStop.write(dir.resolve(names.get(i)), new CleanStop.Record(stopped, id, fingerprints.get(i)));
          log.info("sync '{}': clean stop recorded: the next start sends only what changes from now on", settings.name());
          return;
        }
      }
      Files.deleteIfExists(dir.resolve(CleanStop.INDEX));
    } catch (IOException | RuntimeException e) {
      why = "it could not be recorded (" + e.getMessage() + ")";
    }
    log.info("sync '{}': not a clean stop ({}): the next start runs a full sync", settings.name(), why);
  }
}
