package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.Versions;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --versions} on each kind of target (local directory, rsync daemon, sshd on loopback), with
 * the whole engine: what a batch, a rename or a full sync overwrites or deletes is kept under
 * {@code .livesync/versions/<UTC time>/}; {@code .livesync/} survives a full sync with delete and is
 * never replicated from the source; pruning with a fake "now".
 */
class VersionsTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("versions-src");
  private Replicator replicator;

  @AfterEach
  void tearDown() throws Exception {
    if (replicator != null) replicator.stop(Duration.ofSeconds(10));
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
  }

  private RsyncTransport transport(TargetFixture t, Duration keep) {
    var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(keep).build());
    cleanup.add(tr);
    return tr;
  }

  private TargetFixture target(Kind kind) throws InterruptedException {
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    return t;
  }

  /** The target equals the source, its .livesync/ aside. */
  static void awaitMirror(byte[] src, byte[] dst) throws InterruptedException {
    Await.value("the target equal to the source, .livesync/ aside", CONVERGE, () -> differences(src, dst), List::isEmpty);
  }

  /** The differences but those in .livesync/; a tree changing under the comparison (rsync's temp files) is a difference too. */
  private static List<String> differences(byte[] src, byte[] dst) {
    try {
      return Trees.differences(src, dst, Trees.Ignore.DIR_MTIMES).stream().filter(l -> !l.contains(".livesync")).toList();
    } catch (java.io.UncheckedIOException e) {
      return List.of("changed while comparing: " + e.getMessage());
    }
  }

  /** Every kept copy of {@code rel} under the target's version directories, oldest first, as text. */
  static List<String> versionsOf(byte[] dst, String rel) throws Exception {
    Path dir = Trees.path(dst).resolve(Versions.VERSIONS);
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      for (Path v : s.sorted().toList()) if (Files.exists(v.resolve(rel))) out.add(Files.readString(v.resolve(rel)));
      return out;
    }
  }

  static void awaitVersions(byte[] dst, String rel, List<String> expected) throws Exception {
    Await.value("the versions of " + rel + ": " + expected, CONVERGE, () -> versionsOf(dst, rel), expected::equals);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void whatTheEngineOverwritesOrDeletesIsKept(Kind kind) throws Exception {
    Trees.write(at(src, "a.txt"), "a1");
    Trees.write(at(src, "sub/b.txt"), "b1");
    Trees.write(at(src, "sub/c.txt"), "c1");
    Trees.write(at(src, ".livesync/local-only"), "never replicated");
    var t = target(kind);
    Trees.write(at(t.dir, "extra.txt"), "only on the target"); // the initial full sync deletes it: kept
    // the target backs this source up (it has one of its files): a full sync leaving nothing of it would be held
    Trees.write(at(src, "both.txt"), "on both sides");
    Trees.write(at(t.dir, "both.txt"), "on both sides");
    var s = EngineSettings.builder("versions", src).stateDir(Trees.path(Trees.tempDir("versions-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    replicator = Replicator.start(s, List.of(transport(t, Duration.ofDays(1))), null);
    awaitMirror(src, t.dir);
    awaitVersions(t.dir, "extra.txt", List.of("only on the target"));
    assertThat(Trees.exists(at(t.dir, ".livesync/local-only"))).as("the source's .livesync/ is not replicated").isFalse();

    Trees.write(at(src, "a.txt"), "a2"); // overwritten
    Trees.delete(at(src, "sub/b.txt")); // deleted
    awaitMirror(src, t.dir);
    awaitVersions(t.dir, "a.txt", List.of("a1"));
    awaitVersions(t.dir, "sub/b.txt", List.of("b1"));

    Libc.rename(at(src, "a.txt"), at(src, "sub/c.txt")); // renamed onto an existing file
    awaitMirror(src, t.dir);
    awaitVersions(t.dir, "sub/c.txt", List.of("c1"));
    assertThat(Trees.exists(at(t.dir, ".livesync/versions"))).isTrue();
  }

  /**
   * A path sent twice within one second (a write read at the source before it was finished, its
   * close sent after it; a retry), each time in another state: each run keeps what it overwrote, and
   * no run's kept copy takes the place of another's. When version directories were named by the second,
   * both runs wrote {@code versions/<that second>/f}: the second kept copy (the half-written state)
   * replaced the first (the file as it was before), and a restore to a time before found only a copy
   * written after it, so it restored nothing of the file and said nothing.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void twoSendsOfAPathInOneSecondKeepBothStates(Kind kind) throws Exception {
    Trees.write(at(src, "f.txt"), "as it was");
    var t = target(kind);
    var tr = transport(t, Duration.ofDays(1));
    assertThat(tr.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Thread.sleep(1100);
    Instant before = Instant.now();
    // both sends in one second: they start just after a second begins
    Thread.sleep(1000 - Instant.now().toEpochMilli() % 1000 + 20);
    Trees.write(at(src, "f.txt"), "half");
    assertThat(tr.send(List.of(Bytes.of("f.txt")), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Trees.write(at(src, "f.txt"), "half written, then whole");
    assertThat(tr.send(List.of(Bytes.of("f.txt")), false).outcome()).isEqualTo(TransferResult.Outcome.OK);

    assertThat(versionsOf(t.dir, "f.txt")).containsExactly("as it was", "half");
    var store = new VersionStore(Target.parse(t.url()), t.options().toBuilder().versions(Duration.ofDays(1)).build());
    var asItWas = VersionStore.at(store.copies(), before).get("f.txt");
    assertThat(asItWas).as("the copy of f.txt as it was before both sends").isNotNull();
    assertThat(asItWas.size()).isEqualTo("as it was".length());
  }

  /**
   * A batch of written files sent again unchanged within one second (a retry of the whole batch): sent
   * by content ({@link Transport#BY_CONTENT}, rsync {@code -I}), each file goes again and the run
   * keeps what it overwrote, a copy equal to the live file. Named by the second, that copy replaced
   * the one kept by the first send: nothing was left of the files as they were, and a restore to
   * before gave none of them.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBatchSentAgainUnchangedInOneSecondKeepsWhatWasThere(Kind kind) throws Exception {
    Trees.write(at(src, "g.txt"), "as it was");
    var t = target(kind);
    var tr = transport(t, Duration.ofDays(1));
    assertThat(tr.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Thread.sleep(1100);
    Instant before = Instant.now();
    Thread.sleep(1000 - Instant.now().toEpochMilli() % 1000 + 20); // both sends in one second
    Trees.write(at(src, "g.txt"), "encrypted");
    for (int i = 0; i < 2; i++) {
      var r = ScopedValue.where(Transport.BY_CONTENT, true).call(() -> tr.send(List.of(Bytes.of("g.txt")), false));
      assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.OK);
    }
    assertThat(versionsOf(t.dir, "g.txt")).containsExactly("as it was", "encrypted");
    var store = new VersionStore(Target.parse(t.url()), t.options());
    var asItWas = VersionStore.at(store.copies(), before).get("g.txt");
    assertThat(asItWas).as("the copy of g.txt as it was before both sends").isNotNull();
    assertThat(asItWas.size()).isEqualTo("as it was".length());
  }

  /** Version directories of older releases, named by the second, are listed and restored from as before. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aVersionNamedByTheSecondIsRestoredFrom(Kind kind) throws Exception {
    Trees.write(at(src, "old.txt"), "now");
    var t = target(kind);
    Trees.write(at(t.dir, "old.txt"), "now");
    Trees.write(at(t.dir, ".livesync/versions/2026-12-01T000000Z/old.txt"), "then");
    Trees.setMtime(at(t.dir, ".livesync/versions/2026-12-01T000000Z/old.txt"), Instant.parse("2026-11-01T00:00:00Z").getEpochSecond());
    var store = new VersionStore(Target.parse(t.url()), t.options());
    var picked = VersionStore.at(store.copies(), Instant.parse("2026-11-30T00:00:00Z"));
    assertThat(picked.get("old.txt").stamp()).isEqualTo("2026-12-01T000000Z");
    byte[] into = Trees.tempDir("versions-restored");
    try {
      assertThat(store.fetch(picked, Trees.path(into), false).missing()).isEmpty();
      assertThat(Trees.read(at(into, "old.txt"))).isEqualTo(Bytes.of("then"));
    } finally {
      Trees.delete(into);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFullSyncWithDeleteLeavesLivesyncDirAlone(Kind kind) throws Exception {
    Trees.write(at(src, "a.txt"), "a");
    var t = target(kind);
    Trees.write(at(t.dir, ".livesync/versions/2026-12-01T000000Z/old.txt"), "kept");
    Trees.write(at(t.dir, ".livesync/snapshots/2026-12-01T000000Z/a.txt"), "snap");
    var tr = transport(t, null);
    assertThat(tr.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(Trees.read(at(t.dir, ".livesync/versions/2026-12-01T000000Z/old.txt"))).isEqualTo(Bytes.of("kept"));
    assertThat(Trees.read(at(t.dir, ".livesync/snapshots/2026-12-01T000000Z/a.txt"))).isEqualTo(Bytes.of("snap"));
    assertThat(tr.compare(false).isEmpty()).as("verify does not count .livesync/ as drift").isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "SSH"})
  void versionsOlderThanTheDurationArePrunedAtAFakeNow(Kind kind) throws Exception {
    var t = target(kind);
    // named by the second (older releases) and by the millisecond
    for (String d : List.of("2026-11-01T000000Z", "2026-11-30T235959Z", "2026-11-30T235959.999Z", "2026-12-01T000000Z",
        "2026-12-01T000000.000Z", "2026-12-01T120000Z", "2026-12-01T120000.250Z", "not-a-time")) {
      Trees.write(at(t.dir, ".livesync/versions/" + d + "/sub/f.txt"), d);
      Trees.chmod(at(t.dir, ".livesync/versions/" + d + "/sub"), 0555); // read-only dirs are pruned too
    }
    var tr = transport(t, Duration.ofDays(1));
    // the count is what the log line says ("pruned 3 old version directories")
    assertThat(tr.pruneVersions(Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(3);
    try (Stream<Path> s = Files.list(Trees.path(at(t.dir, ".livesync/versions")))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("2026-12-01T000000.000Z", "2026-12-01T000000Z", "2026-12-01T120000.250Z", "2026-12-01T120000Z", "not-a-time");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "SSH"})
  void moreVersionDirectoriesThanAnExitStatusHoldsAreAllPrunedAndCounted(Kind kind) throws Exception {
    var t = target(kind);
    for (int i = 0; i < 205; i++) {
      Trees.write(at(t.dir, String.format(".livesync/versions/2026-11-01T00%02d%02d.000Z/f.txt", i / 60, i % 60)), "old");
    }
    Trees.write(at(t.dir, ".livesync/versions/2026-12-01T120000.000Z/f.txt"), "new");
    var tr = transport(t, Duration.ofDays(1));
    assertThat(tr.pruneVersions(Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(205);
    try (Stream<Path> s = Files.list(Trees.path(at(t.dir, ".livesync/versions")))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("2026-12-01T120000.000Z");
    }
  }

  /**
   * On an ssh target a prune batch that takes longer than the target's timeout (here: a remote rm
   * slowed to 50 ms, 200 directories a batch, a 2 s timeout) is not killed while it deletes one
   * directory after another: all are pruned and counted. (Failure injection: the login shell's startup
   * file puts a slow rm first in the remote PATH.)
   */
  @Test
  void anSshPruneLongerThanTheTimeoutIsNotKilledWhileItMakesProgress() throws Exception {
    var t = target(Kind.SSH);
    byte[] bin = Trees.tempDir("versions-slow-rm");
    try {
      Path rm = Trees.path(bin).resolve("rm");
      Files.writeString(rm, "#!/bin/sh\nsleep 0.05\nexec /bin/rm \"$@\"\n");
      Files.setPosixFilePermissions(rm, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      SSHD.get().loginShellRc("export PATH=" + rm.getParent() + ":$PATH\n");
      for (int i = 0; i < 205; i++) {
        Trees.write(at(t.dir, String.format(".livesync/versions/2026-11-01T00%02d%02d.000Z/f.txt", i / 60, i % 60)), "old");
      }
      Trees.write(at(t.dir, ".livesync/versions/2026-12-01T120000.000Z/f.txt"), "new");
      var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(Duration.ofDays(1)).timeout(Duration.ofSeconds(2)).build());
      cleanup.add(tr);
      assertThat(tr.pruneVersions(Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(205);
      try (Stream<Path> s = Files.list(Trees.path(at(t.dir, ".livesync/versions")))) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("2026-12-01T120000.000Z");
      }
    } finally {
      SSHD.get().loginShellRc("");
      Trees.delete(bin);
    }
  }
}
