package dev.livesync.server;

import dev.livesync.LivesyncException;
import dev.livesync.fs.ChildProcess;
import dev.livesync.settings.SnapshotRetention;
import dev.livesync.settings.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Hard-link snapshots of a module under {@code .livesync/snapshots/<UTC time>/}: {@code rsync -a
 * --link-dest=MODULE} from the module into a new directory, so every file that did not change is a
 * hard link to the module's (the same inode, no data copied); {@code .livesync/} itself is left out.
 * A snapshot is written under a {@code .partial} name and renamed when complete, then its
 * directories are made read-only (its files share their inodes with the module, whose files rsync
 * replaces by new ones rather than writing into them, so a snapshot's files never change).
 */
final class Snapshots {
  private static final String PARTIAL = ".partial";
  /** rsync's last lines of output that a failed snapshot's message carries. */
  private static final int ERROR_LINES = 20;

  private Snapshots() {}

  /** The period between snapshots: an hour when hourly ones are kept, else a day, else a week. */
  static Duration period(SnapshotRetention r) {
    return r.hourly() > 0 ? Duration.ofHours(1) : r.daily() > 0 ? Duration.ofDays(1) : Duration.ofDays(7);
  }

  /** The module's complete snapshots by time. */
  static TreeMap<Instant, Path> list(Path module) throws IOException {
    TreeMap<Instant, Path> out = new TreeMap<>();
    Path dir = module.resolve(Versions.SNAPSHOTS);
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> {
        Instant t = Versions.parseStamp(p.getFileName().toString());
        if (t != null) out.put(t, p);
      });
    }
    return out;
  }

  /** Whether a snapshot is due at {@code now}: none yet, or the newest is from an earlier period. */
  static boolean due(TreeMap<Instant, Path> existing, Instant now, SnapshotRetention r) {
    if (existing.isEmpty()) return true;
    Function<Instant, Instant> bucket = r.hourly() > 0 ? Snapshots::hour : r.daily() > 0 ? Snapshots::day : Snapshots::week;
    return bucket.apply(existing.lastKey()).isBefore(bucket.apply(now));
  }

  /** Takes one snapshot of {@code module} named {@code now}; returns its directory. */
  static Path take(Path module, Instant now) throws IOException, InterruptedException {
    Path dir = module.resolve(Versions.SNAPSHOTS);
    Files.createDirectories(dir);
    Path done = dir.resolve(Versions.stamp(now));
    Path partial = dir.resolve(Versions.stamp(now) + PARTIAL);
    if (Files.exists(done)) return done;
    Versions.deleteTree(partial);
    List<String> argv = List.of("rsync", "-a", "--filter=- /" + Versions.DIR + "/", "--link-dest=" + module.toAbsolutePath(),
        module.toAbsolutePath() + "/", partial.toAbsolutePath() + "/");
    int exit;
    String out;
    try (ChildProcess p = ChildProcess.command(argv).noStdin().mergeStderr().tail(ERROR_LINES).start()) {
      exit = p.waitFor();
      out = p.tail();
    }
    if (exit != 0 && exit != 24) throw new LivesyncException("snapshot of " + module + " failed (rsync exit " + exit + "): " + out.strip(), 1);
    Files.move(partial, done);
    readOnlyDirs(done);
    return done;
  }

  private static void readOnlyDirs(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path d : s.filter(q -> Files.isDirectory(q, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        d.toFile().setWritable(false, false);
      }
    }
  }

  /**
   * The snapshots {@code r} keeps at {@code now}: the newest of each of the last {@code hourly}
   * hours that have one, of each of the last {@code daily} days, of each of the last {@code weekly}
   * weeks (UTC; weeks start on Monday).
   */
  static Set<Instant> keep(List<Instant> all, SnapshotRetention r) {
    Set<Instant> keep = new HashSet<>();
    keep.addAll(newestPerBucket(all, Snapshots::hour, r.hourly()));
    keep.addAll(newestPerBucket(all, Snapshots::day, r.daily()));
    keep.addAll(newestPerBucket(all, Snapshots::week, r.weekly()));
    return keep;
  }

  private static List<Instant> newestPerBucket(List<Instant> all, Function<Instant, Instant> bucket, int n) {
    TreeMap<Instant, Instant> newest = new TreeMap<>();
    for (Instant t : all) newest.merge(bucket.apply(t), t, (a, b) -> a.isAfter(b) ? a : b);
    List<Instant> out = new ArrayList<>();
    for (Map.Entry<Instant, Instant> e : newest.descendingMap().entrySet()) {
      if (out.size() >= n) break;
      out.add(e.getValue());
    }
    return out;
  }

  /** Deletes the snapshots {@code r} does not keep; returns how many. */
  static int prune(Path module, SnapshotRetention r) throws IOException {
    TreeMap<Instant, Path> all = list(module);
    Set<Instant> keep = keep(new ArrayList<>(all.keySet()), r);
    int n = 0;
    for (var e : all.entrySet()) {
      if (keep.contains(e.getKey())) continue;
      Versions.deleteTree(e.getValue());
      n++;
    }
    return n;
  }

  static Instant hour(Instant t) {
    return t.truncatedTo(ChronoUnit.HOURS);
  }

  static Instant day(Instant t) {
    return t.truncatedTo(ChronoUnit.DAYS);
  }

  static Instant week(Instant t) {
    return t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
