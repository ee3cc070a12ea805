package dev.livesync.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a target keeps what livesync overwrote or deleted there: {@code .livesync/versions/<UTC
 * time>/<path>} inside the target (rsync {@code --backup --backup-dir}), one directory per rsync run
 * named by the millisecond it started ({@code 2026-12-02T063000.250Z}: the names sort as the times
 * do), no two runs of this process the same ({@link #runStamp}): two runs sharing a directory would
 * keep a path sent by both at one place, the later copy replacing the earlier. Older livesync
 * versions named them by the second ({@code 2026-12-02T063000Z}); those are read and pruned alike.
 * {@code .livesync/} is never replicated from the source nor deleted on the target (filter rules on
 * every run). Versions older than the target's {@code versions} duration are pruned: by the engine
 * on local and ssh targets, by {@code serve} in its modules ({@link #pruneLocal}).
 */
public final class Versions {
  /** The directory inside a target that livesync owns (versions, snapshots). */
  public static final String DIR = ".livesync";
  public static final String VERSIONS = DIR + "/versions";
  public static final String SNAPSHOTS = DIR + "/snapshots";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** A version directory's name: the second, and the millisecond when there (snapshots and older versions have none). */
  private static final DateTimeFormatter ANY_STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss[.SSS]'Z'").withZone(ZoneOffset.UTC);
  /** The millisecond of the last {@link #runStamp}, since the epoch. */
  private static final java.util.concurrent.atomic.AtomicLong LAST_RUN = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
  /** On every run, first: the target's .livesync/ is protected from --delete, the source's is never sent. */
  public static final List<String> FILTERS = List.of("--filter=P /" + DIR + "/", "--filter=- /" + DIR + "/");

  private static final byte[] DIR_BYTES = DIR.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Versions() {}

  /**
   * Whether {@code rel} (relative to a source or target, no leading slash) is the top's {@code
   * .livesync} or lies below it: livesync's own, never replicated, renamed or deleted by an event.
   * rsync's filters do not cover such a path named on its command line or its {@code --files-from}
   * list ({@code --delete-missing-args} deletes it, {@code -R} makes it), so it must never be named there.
   */
  public static boolean reserved(byte[] rel) {
    return rel.length >= DIR_BYTES.length && java.util.Arrays.equals(rel, 0, DIR_BYTES.length, DIR_BYTES, 0, DIR_BYTES.length)
        && (rel.length == DIR_BYTES.length || rel[DIR_BYTES.length] == '/');
  }

  /** {@code 2026-12-02T063000Z}. */
  public static String stamp(Instant t) {
    return STAMP.format(t);
  }

  /** {@code 2026-12-02T063000.250Z}: how a version directory kept before {@code t} compares (as a string) to the names of those to keep. */
  public static String millisStamp(Instant t) {
    return RUN_STAMP.format(t);
  }

  /**
   * The name of a new version directory for a run starting at {@code now}: its millisecond, or one
   * after the last name this process gave when that is not earlier (runs in one millisecond, a clock
   * set back): no two runs share one. Runs that send one path never overlap (the engine orders
   * them), so its kept copies sort in the order they were kept.
   */
  public static String runStamp(Instant now) {
    long ms = LAST_RUN.updateAndGet(last -> Math.max(now.toEpochMilli(), last + 1));
    return RUN_STAMP.format(Instant.ofEpochMilli(ms));
  }

  /** The time a version or snapshot directory is named by (with or without milliseconds), or null when it is not such a name. */
  public static Instant parseStamp(String name) {
    try {
      return Instant.from(ANY_STAMP.parse(name));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The rsync options that keep what a run overwrites or deletes (none when {@code keep} is null). */
  public static List<String> backupArgs(Duration keep, Instant now) {
    if (keep == null) return List.of();
    return List.of("--backup", "--backup-dir=" + VERSIONS + "/" + runStamp(now) + "/");
  }

  /**
   * Deletes the version directories under {@code target}/.livesync/versions named before
   * {@code cutoff}; returns how many. Names that are not times are left alone.
   */
  public static int pruneLocal(Path target, Instant cutoff) throws IOException {
    Path dir = target.resolve(VERSIONS);
    if (!Files.isDirectory(dir)) return 0;
    List<Path> old = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> {
        Instant t = parseStamp(p.getFileName().toString());
        if (t != null && t.isBefore(cutoff)) old.add(p);
      });
    }
    for (Path p : old) deleteTree(p);
    return old.size();
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(q, java.nio.file.LinkOption.NOFOLLOW_LINKS)) q.toFile().setWritable(true, true);
        Files.deleteIfExists(q);
      }
    }
  }
}
