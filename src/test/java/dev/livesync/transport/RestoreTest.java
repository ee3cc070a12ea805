package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.cli.Main;
import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ransomware on each kind of target: 300 files in nested directories replicated with versions
 * kept for a day; then every source file rewritten with random bytes and 50 deleted; the live target
 * follows the source; {@code livesync restore TARGET --at <before> --to EMPTY_DIR} gives back a tree
 * byte for byte equal to the original. Also {@code livesync versions}, and the refusals.
 */
class RestoreTest {
  static final Duration WAIT = Duration.ofSeconds(90);
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("restore-src");
  private final byte[] original = Trees.tempDir("restore-original");
  private final byte[] restored = Trees.tempDir("restore-into");
  private Replicator replicator;

  @AfterEach
  void tearDown() throws Exception {
    if (replicator != null) replicator.stop(Duration.ofSeconds(10));
    for (AutoCloseable c : cleanup.reversed()) c.close();
    for (byte[] d : List.of(src, original, restored)) Trees.delete(d);
  }

  static String name(int i) {
    return "d" + i % 7 + "/e" + i % 3 + "/f" + i + ".dat";
  }

  /** {@code livesync ARGS} in this JVM: exit code, then stdout and stderr. */
  static String[] cli(List<String> args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args.toArray(String[]::new));
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  static List<String> credentials(TargetFixture t) {
    return switch (t.kind) {
      case LOCAL -> List.of();
      case DAEMON -> List.of("--password-file", t.daemon.passwordFile().toString());
      case SSH -> List.of("--ssh-key", t.sshd.clientKey().toString(), "--ssh-port", Integer.toString(t.sshd.port()),
          "--known-hosts", t.sshd.knownHostsFile().toString());
    };
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aTreeRewrittenByRansomwareIsRestoredAsItWas(Kind kind) throws Exception {
    var random = new Random(kind.ordinal());
    for (int i = 0; i < 300; i++) {
      byte[] content = new byte[100 + random.nextInt(3000)];
      random.nextBytes(content);
      Trees.write(at(src, name(i)), content);
      Trees.write(at(original, name(i)), content);
    }
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(Duration.ofDays(1)).build());
    var s = EngineSettings.builder("restore", src).stateDir(Trees.path(Trees.tempDir("restore-state")))
        .delay(Duration.ofMillis(100)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    replicator = Replicator.start(s, List.of(tr), null);
    VersionsTest.awaitMirror(src, t.dir);
    Thread.sleep(1100);
    Instant before = Instant.now();
    Thread.sleep(1100);

    // the attack: every file rewritten with random bytes, 50 deleted
    for (int i = 0; i < 300; i++) {
      byte[] junk = new byte[100 + random.nextInt(3000)];
      random.nextBytes(junk);
      Trees.write(at(src, name(i)), junk);
    }
    for (int i = 0; i < 300; i += 6) Trees.delete(at(src, name(i)));
    VersionsTest.awaitMirror(src, t.dir);
    replicator.stop(Duration.ofSeconds(10));
    replicator = null;

    List<String> args = new ArrayList<>(List.of("restore", t.url(), "--at", before.toString(), "--to", Bytes.latin1(restored)));
    args.addAll(credentials(t));
    String[] r = cli(args);
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
    assertThat(r[1]).contains("restored 300 files");
    Trees.assertSameTree(original, restored, Trees.Ignore.MTIMES, Trees.Ignore.MODES); // contents and names, byte for byte

    // one path's history: rewritten, so the original was kept, first; live now. A send may go twice
    // (a close_write read after the write was shipped; every run keeps what it overwrites, even a copy
    // equal to it, docs/versions.md): any later kept copy is the live one, never another state
    List<String> v = new ArrayList<>(List.of("versions", t.url(), name(1)));
    v.addAll(credentials(t));
    String[] listed = cli(v);
    assertThat(listed[0]).as(listed[2]).isEqualTo("0");
    List<String> kept = listed[1].lines().filter(l -> l.startsWith("kept ")).toList();
    List<String> live = listed[1].lines().filter(l -> l.startsWith("live ")).toList();
    assertThat(live).as(listed[1]).hasSize(1);
    assertThat(kept).as(listed[1]).isNotEmpty();
    assertThat(kept.getFirst()).as(listed[1]).contains(" " + Trees.read(at(original, name(1))).length + " bytes");
    String liveState = live.getFirst().substring(live.getFirst().indexOf(" bytes") - Long.toString(Trees.read(at(src, name(1))).length).length());
    assertThat(liveState).as(listed[1]).startsWith(Trees.read(at(src, name(1))).length + " bytes");
    for (String later : kept.subList(1, kept.size())) assertThat(later).as(listed[1]).endsWith(liveState);
    // a deleted one: kept, no live copy
    v.set(2, name(0));
    listed = cli(v);
    assertThat(listed[1]).contains("kept ").doesNotContain("live");
  }

  /**
   * Ransomware that renames, then encrypts under the new name, file by file and a directory at once:
   * {@code restore --at} a time before gives exactly the tree of that time, the old names with their
   * contents and none of the new names, and {@code versions} lists the old name's kept copy. A local
   * (or ssh) target renamed in place, keeping nothing of the old name: the restore gave the new names
   * with the old contents, and nothing was kept of r1.txt.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aRenameThenEncryptIsRestoredAsTheTreeWas(Kind kind) throws Exception {
    for (String f : List.of("r1.txt", "r2.txt", "dir/f.txt", "dir/sub/g.txt", "plain.txt")) {
      Trees.write(at(src, f), "original " + f);
      Trees.write(at(original, f), "original " + f);
    }
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(Duration.ofDays(1)).build());
    var s = EngineSettings.builder("renamed", src).stateDir(Trees.path(Trees.tempDir("restore-state")))
        .delay(Duration.ofMillis(300)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    replicator = Replicator.start(s, List.of(tr), null);
    VersionsTest.awaitMirror(src, t.dir);
    Thread.sleep(1100);
    Instant before = Instant.now();
    Thread.sleep(1100);

    for (String f : List.of("r1.txt", "r2.txt")) {
      dev.livesync.fs.Libc.rename(at(src, f), at(src, f + ".locked"));
      Trees.write(at(src, f + ".locked"), "ENC");
    }
    dev.livesync.fs.Libc.rename(at(src, "dir"), at(src, "dir.locked"));
    for (String f : List.of("dir.locked/f.txt", "dir.locked/sub/g.txt")) Trees.write(at(src, f), "ENC");
    VersionsTest.awaitMirror(src, t.dir);
    replicator.stop(Duration.ofSeconds(10));
    replicator = null;

    List<String> args = new ArrayList<>(List.of("restore", t.url(), "--at", before.toString(), "--to", Bytes.latin1(restored)));
    args.addAll(credentials(t));
    String[] r = cli(args);
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
    assertThat(r[1]).contains("restored 5 files");
    Trees.assertSameTree(original, restored, Trees.Ignore.MTIMES, Trees.Ignore.MODES, Trees.Ignore.DIR_MTIMES);

    List<String> v = new ArrayList<>(List.of("versions", t.url(), "r1.txt"));
    v.addAll(credentials(t));
    String[] listed = cli(v);
    assertThat(listed[0]).as(listed[2]).isEqualTo("0");
    assertThat(listed[1]).contains("kept ").doesNotContain("live");
  }

  /**
   * Names are bytes: a name that is not UTF-8 ({@code caf\xe9}) and one with a line break are
   * restored, the whole tree and by PATH (given as its bytes on the command line), and the count is of
   * what was written. The names were read as UTF-8 (0xE9 became U+FFFD) and matched no include rule:
   * "restored 3 files", exit 0, and r/ held 2; the one with a line break was not restored at all.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void namesThatAreNotUtf8AreRestoredAndCounted(Kind kind) throws Exception {
    byte[] cafe = {'c', 'a', 'f', (byte) 0xe9};
    List<byte[]> names = List.of(cafe, Bytes.of("a.txt"), Bytes.concat(Bytes.of("d/"), cafe, Bytes.of("\nz")));
    for (byte[] n : names) {
      Trees.write(at(src, n), Bytes.concat(Bytes.of("original "), n));
      Trees.write(at(original, n), Bytes.concat(Bytes.of("original "), n));
    }
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(Duration.ofDays(1)).build());
    var s = EngineSettings.builder("bytes", src).stateDir(Trees.path(Trees.tempDir("restore-state")))
        .delay(Duration.ofMillis(100)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    replicator = Replicator.start(s, List.of(tr), null);
    VersionsTest.awaitMirror(src, t.dir);
    Thread.sleep(1100);
    Instant before = Instant.now();
    Thread.sleep(1100);
    for (byte[] n : names) Trees.write(at(src, n), "ENC");
    VersionsTest.awaitMirror(src, t.dir);
    replicator.stop(Duration.ofSeconds(10));
    replicator = null;

    List<String> args = new ArrayList<>(List.of("restore", t.url(), "--at", before.toString(), "--to", Bytes.latin1(restored)));
    args.addAll(credentials(t));
    String[] r = cli(args);
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
    assertThat(r[1]).contains("restored 3 files");
    Trees.assertSameTree(original, restored, Trees.Ignore.MTIMES, Trees.Ignore.MODES, Trees.Ignore.DIR_MTIMES);

    // one PATH, its bytes on the command line (a shell appends it), into the source
    List<String> one = new ArrayList<>(List.of("restore", t.url(), "--at", before.toString(), "--to-source", Bytes.latin1(src), "--force"));
    one.addAll(credentials(t));
    try (var p = dev.livesync.testing.LivesyncProcess.start(List.of("sh", "-c", "exec \"$@\" \"$(printf 'caf\\351')\"", "sh"), one, java.util.Map.of())) {
      assertThat(p.awaitExit(WAIT)).as(p.output()).isZero();
      assertThat(p.output()).contains("restored 1 files");
    }
    assertThat(Trees.read(at(src, cafe))).isEqualTo(Bytes.concat(Bytes.of("original "), cafe));
    assertThat(Trees.read(at(src, "a.txt"))).isEqualTo(Bytes.of("ENC"));
  }

  /**
   * {@code --to-source} leaves the files that are newer at the source as they are (without {@code
   * --force}): it says how many it skipped, names them, counts only what it wrote, and exits 1 — not
   * everything is as it was. Two files changed since (kept as versions, then written anew at the
   * source), one deleted there. It said "restored 3 files (3 from kept versions)" and exited 0.
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "LOCAL")
  void restoringIntoTheSourceSaysWhichFilesItSkippedAsNewerThere(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    Instant at = Instant.now().minusSeconds(3600);
    String kept = dev.livesync.settings.Versions.VERSIONS + "/" + dev.livesync.settings.Versions.stamp(at.plusSeconds(600));
    for (String f : List.of("f", "g", "h")) {
      Trees.write(at(t.dir, kept + "/" + f), "as it was: " + f);
      Trees.setMtime(at(t.dir, kept + "/" + f), at.getEpochSecond() - 3600);
      Trees.write(at(t.dir, f), "encrypted");
    }
    Trees.write(at(src, "f"), "NEWER");
    Trees.write(at(src, "g"), "NEWER");

    String[] r = cli(List.of("restore", t.url(), "--at", at.toString(), "--to-source", Bytes.latin1(src)));
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("1");
    assertThat(r[1]).contains("restored 1 files as of").contains("(1 from kept versions, 0 live); skipped 2 newer there (--force overwrites them)");
    assertThat(r[2]).contains("livesync restore: f: newer in ").contains("livesync restore: g: newer in ");
    assertThat(Trees.read(at(src, "f"))).isEqualTo(Bytes.of("NEWER"));
    assertThat(Trees.read(at(src, "h"))).isEqualTo(Bytes.of("as it was: h"));

    String[] forced = cli(List.of("restore", t.url(), "--at", at.toString(), "--to-source", Bytes.latin1(src), "--force"));
    assertThat(forced[0]).as(forced[1] + forced[2]).isEqualTo("0");
    assertThat(forced[1]).contains("restored 3 files as of").doesNotContain("skipped");
    assertThat(Trees.read(at(src, "f"))).isEqualTo(Bytes.of("as it was: f"));
  }

  /**
   * Some paths cannot be written where the restore goes: in the source, a user's new directory (not
   * empty) stands where a kept file was; rsync does not remove it (nothing of the user's is deleted)
   * and writes the other files. The restore says which path it did not restore and why, with rsync's
   * own words, names the files it did restore, and exits 1 (not all as it was). It said "the target
   * cannot be read" and exited 69, the files it had written left unsaid. A path asked for with nothing
   * kept is said too.
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "LOCAL")
  void pathsThatCannotBeWrittenAreNamedNotRestoredAndExit1(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    Instant at = Instant.now().minusSeconds(3600);
    String kept = dev.livesync.settings.Versions.VERSIONS + "/" + dev.livesync.settings.Versions.stamp(at.plusSeconds(600));
    for (String f : List.of("d/f", "d/g", "h")) {
      Trees.write(at(t.dir, kept + "/" + f), "as it was: " + f);
      Trees.setMtime(at(t.dir, kept + "/" + f), at.getEpochSecond() - 3600);
      Trees.write(at(t.dir, f), "encrypted");
    }
    Trees.write(at(src, "d/g/mine.txt"), "a user's new file"); // d/g is a directory now

    String[] r = cli(List.of("restore", t.url(), "d", "h", "no-such", "--at", at.toString(), "--to-source", Bytes.latin1(src), "--force"));
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("1");
    assertThat(r[1]).contains("restored 2 files as of").contains("(2 from kept versions, 0 live); 1 not restored");
    assertThat(r[2]).contains("livesync restore: nothing is kept of no-such for " + at + " (skipped)")
        .contains("livesync restore: d/g: not restored (rsync did not write it into " + Bytes.latin1(src) + "; see its messages above)")
        .contains("d/g") // rsync's own words on it, before
        .doesNotContain("cannot be read");
    assertThat(r[2].indexOf("rsync")).isLessThan(r[2].indexOf("d/g: not restored"));
    assertThat(Trees.read(at(src, "d/f"))).isEqualTo(Bytes.of("as it was: d/f"));
    assertThat(Trees.read(at(src, "h"))).isEqualTo(Bytes.of("as it was: h"));
    assertThat(Trees.read(at(src, "d/g/mine.txt"))).isEqualTo(Bytes.of("a user's new file"));
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "LOCAL")
  void nothingKeptForATimeOrAPathIsOneLineAndExit1(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    Trees.write(at(t.dir, "a.txt"), "a");
    String[] early = cli(List.of("restore", t.url(), "--at", "2000-01-01T00:00:00Z", "--to", Bytes.latin1(restored)));
    assertThat(early[0]).isEqualTo("1");
    assertThat(early[2].strip()).isEqualTo("livesync restore: nothing is kept on " + t.url() + " for 2000-01-01T00:00:00Z");
    String[] unknown = cli(List.of("restore", t.url(), "no/such/path", "--at", Instant.now().plusSeconds(5).toString(), "--to", Bytes.latin1(restored)));
    assertThat(unknown[0]).isEqualTo("1");
    assertThat(unknown[2]).contains("nothing is kept on " + t.url()).contains("under no/such/path");
    String[] badTime = cli(List.of("restore", t.url(), "--at", "yesterday", "--to", Bytes.latin1(restored)));
    assertThat(badTime[0]).isEqualTo("2");
    assertThat(badTime[2].lines().findFirst().orElse(""))
        .isEqualTo("livesync restore: --at yesterday: expected an ISO-8601 time such as 2026-12-02T06:30:00Z or a local time such as '2026-12-02 07:30:00'");
    // formatted with its seconds: LocalDateTime.toString() leaves ":00" out, one minute in sixty
    String inAMinute = java.time.LocalDateTime.now().plusMinutes(1).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    String[] local = cli(List.of("restore", t.url(), "--at", inAMinute,
        "--to", Bytes.latin1(restored)));
    assertThat(local[0]).as(local[2]).isEqualTo("0");
    assertThat(Trees.read(at(restored, "a.txt"))).isEqualTo(Bytes.of("a"));
  }

  /**
   * A name is its bytes: PATH " lead" or "trail " is that file, not "lead" or "trail" (spaces at
   * either end were stripped: "nothing is kept of lead", or the plain file's history instead).
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "LOCAL")
  void aPathWithSpacesAtItsEndsIsThatFile(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    Instant at = Instant.now().minusSeconds(3600);
    String kept = dev.livesync.settings.Versions.VERSIONS + "/" + dev.livesync.settings.Versions.stamp(at.plusSeconds(600));
    for (String f : List.of(" lead", "trail ")) {
      Trees.write(at(t.dir, kept + "/" + f), "as it was: '" + f + "'");
      Trees.setMtime(at(t.dir, kept + "/" + f), at.getEpochSecond() - 3600);
      Trees.write(at(t.dir, f), "now: '" + f + "'");
    }
    Trees.write(at(t.dir, "lead"), "another file");
    Trees.write(at(t.dir, "trail"), "another file");

    String[] lead = cli(List.of("versions", t.url(), " lead"));
    assertThat(lead[0]).as(lead[1] + lead[2]).isEqualTo("0");
    assertThat(lead[1].lines().toList()).hasSize(2);
    assertThat(lead[1].lines().toList().getFirst()).startsWith("kept ").contains(" " + "as it was: ' lead'".length() + " bytes");
    assertThat(lead[1].lines().toList().getLast()).startsWith("live ").contains(" " + "now: ' lead'".length() + " bytes");

    String[] r = cli(List.of("restore", t.url(), " lead", "./trail ", "--at", at.toString(), "--to", Bytes.latin1(restored)));
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
    assertThat(r[1]).contains("restored 2 files as of");
    assertThat(Trees.read(at(restored, " lead"))).isEqualTo(Bytes.of("as it was: ' lead'"));
    assertThat(Trees.read(at(restored, "trail "))).isEqualTo(Bytes.of("as it was: 'trail '"));
    assertThat(Trees.exists(at(restored, "lead"))).isFalse();
    assertThat(Trees.exists(at(restored, "trail"))).isFalse();
  }

  /**
   * A local target that does not exist (a typo, a disk not mounted) cannot be read: exit 69 and
   * one line that says so, as for a daemon that has no such module — not "nothing is kept" (exit 1),
   * which reads as "there is no backup".
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "LOCAL")
  void aTargetThatDoesNotExistCannotBeReadNotNothingKept(Kind kind) throws Exception {
    String missing = Bytes.latin1(restored) + "-no-such-target";
    String[] r = cli(List.of("restore", missing, "--at", Instant.now().toString(), "--to", Bytes.latin1(restored)));
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("69");
    assertThat(r[2].lines().toList()).hasSize(1);
    assertThat(r[2]).startsWith("livesync restore: listing " + missing + ": the target cannot be read: ")
        .contains("No such file or directory").doesNotContain("nothing is kept");
    String[] v = cli(List.of("versions", missing, "a.txt"));
    assertThat(v[0]).as(v[1] + v[2]).isEqualTo("69");
    assertThat(v[2]).startsWith("livesync versions: listing " + missing + ": the target cannot be read: ").doesNotContain("nothing is kept");
    // an empty target exists: nothing is kept there (1)
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    String[] empty = cli(List.of("versions", t.url(), "a.txt"));
    assertThat(empty[0]).as(empty[2]).isEqualTo("1");
    assertThat(empty[2]).contains("nothing is kept of a.txt");
  }
}
