package dev.livesync.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.cli.Main;
import dev.livesync.settings.SnapshotRetention;
import dev.livesync.settings.Versions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code serve} does in its modules, on a fake clock: hard-link snapshots (unchanged files share
 * the module's inode, a replaced file does not; read-only; retention exact) and pruning of the
 * versions clients keep; bad values for the flags are refused in the settings' words.
 */
class HousekeepingTest {
  @TempDir Path tmp;

  /** A clock the test moves. */
  static final class FakeClock extends Clock {
    Instant now;

    FakeClock(Instant start) {
      now = start;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static long ino(Path p) throws Exception {
    return (long) Files.getAttribute(p, "unix:ino");
  }

  private ServeSpec spec(Path module, Duration versions, SnapshotRetention snapshots) {
    return new ServeSpec(null, 0, null, tmp.resolve("run"), List.of(ServeModule.of("m", module, null, null)), versions, snapshots);
  }

  static List<String> snapshots(Path module) throws Exception {
    Path dir = module.resolve(Versions.SNAPSHOTS);
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void snapshotsShareTheInodesOfUnchangedFilesAndAreReadOnly() throws Exception {
    Path module = Files.createDirectories(tmp.resolve("module"));
    Files.writeString(Files.createDirectories(module.resolve("d")).resolve("same.txt"), "unchanged");
    Files.writeString(module.resolve("changed.txt"), "before");
    Files.writeString(Files.createDirectories(module.resolve(Versions.VERSIONS + "/2026-12-01T000000Z")).resolve("v.txt"), "a version");
    var clock = new FakeClock(Instant.parse("2026-12-02T06:30:00Z"));
    var h = new Housekeeping(spec(module, null, new SnapshotRetention(24, 14, 8)), clock);
    h.tick();
    assertThat(snapshots(module)).containsExactly("2026-12-02T063000Z");
    Path first = module.resolve(Versions.SNAPSHOTS + "/2026-12-02T063000Z");

    // as the rsync daemon replaces a file: a new inode renamed over the old name
    Path tmpFile = module.resolve(".changed.txt.XXXX");
    Files.writeString(tmpFile, "after");
    Files.move(tmpFile, module.resolve("changed.txt"), StandardCopyOption.ATOMIC_MOVE);
    clock.now = clock.now.plus(Duration.ofMinutes(20));
    h.tick();
    assertThat(snapshots(module)).as("one per hour").containsExactly("2026-12-02T063000Z");
    clock.now = clock.now.plus(Duration.ofMinutes(40));
    h.tick();
    assertThat(snapshots(module)).containsExactly("2026-12-02T063000Z", "2026-12-02T073000Z");
    Path second = module.resolve(Versions.SNAPSHOTS + "/2026-12-02T073000Z");

    assertThat(ino(first.resolve("d/same.txt"))).isEqualTo(ino(module.resolve("d/same.txt"))).isEqualTo(ino(second.resolve("d/same.txt")));
    assertThat(Files.readString(first.resolve("changed.txt"))).isEqualTo("before");
    assertThat(Files.readString(second.resolve("changed.txt"))).isEqualTo("after");
    assertThat(ino(first.resolve("changed.txt"))).isNotEqualTo(ino(second.resolve("changed.txt")));
    assertThat(Files.exists(first.resolve(Versions.DIR))).as(".livesync/ is not in a snapshot").isFalse();
    for (Path d : List.of(first, first.resolve("d"))) {
      assertThat(Files.getPosixFilePermissions(d)).as("%s is read-only", d)
          .doesNotContain(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE, java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
              java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }
  }

  @Test
  void retentionKeepsExactlyTheNewestOfEachConfiguredPeriod() throws Exception {
    var r = new SnapshotRetention(24, 14, 8);
    List<Instant> all = new ArrayList<>();
    Instant start = Instant.parse("2026-09-01T00:15:00Z");
    Instant now = start;
    for (int i = 0; i < 24 * 90; i++, now = now.plus(Duration.ofHours(1))) all.add(now);
    Instant last = all.getLast();
    Set<Instant> expected = new HashSet<>();
    for (int i = 0; i < 24; i++) expected.add(last.minus(Duration.ofHours(i)));
    Instant lastDay = last.truncatedTo(ChronoUnit.DAYS);
    expected.add(last); // today's newest
    for (int d = 1; d < 14; d++) expected.add(lastDay.minus(Duration.ofDays(d)).plus(Duration.ofHours(23)).plus(Duration.ofMinutes(15)));
    Instant monday = Snapshots.week(last);
    for (int w = 1; w < 8; w++) expected.add(monday.minus(Duration.ofDays(7L * w - 6)).plus(Duration.ofHours(23)).plus(Duration.ofMinutes(15)));
    assertThat(Snapshots.keep(all, r)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(Snapshots.keep(all, new SnapshotRetention(0, 0, 2))).hasSize(2);

    // and on disk, snapshot by snapshot
    Path module = Files.createDirectories(tmp.resolve("module2"));
    Files.writeString(module.resolve("f.txt"), "f");
    var clock = new FakeClock(Instant.parse("2026-12-01T22:00:00Z"));
    var h = new Housekeeping(spec(module, null, new SnapshotRetention(2, 2, 0)), clock);
    for (int i = 0; i < 6; i++, clock.now = clock.now.plus(Duration.ofHours(1))) h.tick();
    // ticks at 22:00 and 23:00 on the 1st, 00:00-03:00 on the 2nd: the last two hours, and the newest of each of the two days
    assertThat(snapshots(module)).containsExactly("2026-12-01T230000Z", "2026-12-02T020000Z", "2026-12-02T030000Z");
  }

  @Test
  void serveprunesTheVersionsClientsKeepInItsModules() throws Exception {
    Path module = Files.createDirectories(tmp.resolve("module3"));
    for (String d : List.of("2026-11-01T000000Z", "2026-12-01T120000Z")) {
      Files.writeString(Files.createDirectories(module.resolve(Versions.VERSIONS + "/" + d)).resolve("f.txt"), d);
    }
    var clock = new FakeClock(Instant.parse("2026-12-02T00:00:00Z"));
    new Housekeeping(spec(module, Duration.ofDays(30), null), clock).tick();
    try (Stream<Path> s = Files.list(module.resolve(Versions.VERSIONS))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("2026-12-01T120000Z");
    }
  }

  @Test
  void badValuesAreRefusedInOneLine() {
    for (var c : List.of(new String[] {"--snapshots", "hourly=x", "expected how many snapshots to keep per period, such as hourly=24,daily=14,weekly=8 (each 0 to 10000, at least one above 0)"},
        new String[] {"--versions", "0", "expected a duration from 1m to 3650d, such as 5m, 1h, 30d (units ms, s, m, h, d)"})) {
      StringWriter err = new StringWriter();
      var cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      int code = cl.execute("serve", "--module", "m", "--path", tmp.toString(), "--print-config", c[0], c[1]);
      assertThat(err.toString().lines().findFirst().orElse("")).isEqualTo("livesync serve: " + c[0] + " " + c[1] + ": " + c[2]);
      assertThat(code).isEqualTo(2);
    }
  }
}
