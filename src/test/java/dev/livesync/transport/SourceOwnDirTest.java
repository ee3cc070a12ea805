package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A source's own {@code .livesync/} never reaches the target's, where livesync keeps its versions
 * and snapshots: made, written into, renamed into or out of, deleted — on each kind of target, with
 * and without versions. rsync's filters cover no path named on its command line: a batch naming
 * {@code .livesync} after the source's was removed deleted the target's whole store
 * ({@code --delete-missing-args}), or with versions moved it into a version of itself; one naming a
 * file below it planted that file in the store.
 */
class SourceOwnDirTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  /** A version an hour old (versions are kept a day: not pruned) and a snapshot. */
  private static final String STAMP = dev.livesync.settings.Versions.stamp(java.time.Instant.now().minusSeconds(3600)),
      OLD = ".livesync/versions/" + STAMP + "/old.txt", SNAP = ".livesync/snapshots/" + STAMP + "/a.txt";
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("own-src");
  private Replicator replicator;

  @AfterEach
  void tearDown() throws Exception {
    if (replicator != null) replicator.stop(Duration.ofSeconds(10));
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
  }

  static Stream<Arguments> targets() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) for (boolean v : new boolean[] {false, true}) out.add(Arguments.of(k, v));
    return out.stream();
  }

  private TargetFixture target(Kind kind) throws InterruptedException {
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    Trees.write(at(t.dir, OLD), "kept");
    Trees.write(at(t.dir, SNAP), "snap");
    return t;
  }

  /** What the target keeps under .livesync/, relative to it, sorted. */
  private static List<String> store(byte[] dst) throws Exception {
    Path root = Trees.path(dst);
    try (Stream<Path> s = Files.walk(root.resolve(".livesync"))) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private void settle(byte[] dst, String marker) throws Exception {
    Trees.write(at(src, marker), marker);
    VersionsTest.awaitMirror(src, dst);
  }

  @ParameterizedTest(name = "{0}, versions {1}")
  @MethodSource("targets")
  void theSourcesOwnLivesyncDirNeverReachesTheTarget(Kind kind, boolean versions) throws Exception {
    Trees.write(at(src, "a.txt"), "a");
    Trees.write(at(src, "sub/b.txt"), "b");
    var t = target(kind);
    var tr = RsyncTransport.open(src, t.url(), t.options().toBuilder().versions(versions ? Duration.ofDays(1) : null).build());
    cleanup.add(tr);
    var s = EngineSettings.builder("own", src).stateDir(Trees.path(Trees.tempDir("own-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    try (var log = new LogCapture()) {
      replicator = Replicator.start(s, List.of(tr), null);
      VersionsTest.awaitMirror(src, t.dir);

      Trees.mkdirs(at(src, ".livesync")); // made: sent alone, then deleted below
      settle(t.dir, "m1");
      Trees.write(at(src, ".livesync/versions/2099-01-01T000000Z/keep"), "EVIL"); // written inside: planted
      Trees.write(at(src, ".livesync/d/e/f.txt"), "out");
      Trees.write(at(src, ".livesync/note"), "note");
      settle(t.dir, "m2");
      Libc.rename(at(src, "sub/b.txt"), at(src, ".livesync/b.txt")); // renamed into it: gone from the tree
      Libc.rename(at(src, ".livesync/note"), at(src, "note-out")); // renamed out of it: a file that came
      Libc.rename(at(src, ".livesync/d"), at(src, "d-out")); // a directory that came
      settle(t.dir, "m3");
      Libc.rename(at(src, ".livesync"), at(src, "was-own")); // the whole of it renamed away
      settle(t.dir, "m4");
      Libc.rename(at(src, "was-own"), at(src, ".livesync")); // and back
      settle(t.dir, "m5");
      Trees.delete(at(src, ".livesync")); // deleted
      settle(t.dir, "m6");

      List<String> expected = new ArrayList<>(List.of(OLD, SNAP));
      // kept when their deletions reached the target: was-own was a directory of the tree like any other
      if (versions) expected.addAll(List.of("sub/b.txt", "was-own/b.txt", "was-own/versions/2099-01-01T000000Z/keep"));
      List<String> kept = store(t.dir).stream().map(p -> p.replaceFirst("^\\.livesync/versions/(?!" + STAMP + "/)[^/]+/", "")).toList();
      assertThat(kept).as("the target's store: what it held, and what livesync kept of the tree").containsExactlyInAnyOrderElementsOf(expected);
      assertThat(Trees.read(at(t.dir, OLD))).isEqualTo(Bytes.of("kept"));
      assertThat(Trees.exists(at(t.dir, "sub/b.txt"))).isFalse();
      assertThat(Trees.read(at(t.dir, "note-out"))).isEqualTo(Bytes.of("note"));
      assertThat(Trees.read(at(t.dir, "d-out/e/f.txt"))).isEqualTo(Bytes.of("out"));
      assertThat(Trees.exists(at(t.dir, "was-own"))).isFalse();
      assertThat(log.lines().stream().filter(l -> l.contains("the source's own")).toList()).as("said once, at WARN").hasSize(1)
          .allMatch(l -> l.startsWith("WARN ") && l.contains("is never replicated"));
    }
  }

  /**
   * The transport's own guard, below the engine: a send, a dry run or a rename that names the top's
   * .livesync or a path in it leaves the target's store as it was.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void theTransportNeverNamesLivesyncDirInARun(Kind kind) throws Exception {
    var t = target(kind);
    var tr = t.transport(src, t.url(), t.options().toBuilder().versions(Duration.ofDays(1)).build());
    Trees.write(at(src, ".livesync/versions/2099-01-01T000000Z/keep"), "EVIL");
    assertThat(tr.send(List.of(Bytes.of(".livesync/versions/2099-01-01T000000Z/keep")), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(tr.send(List.of(Bytes.of(".livesync")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(tr.rename(Bytes.of(".livesync"), Bytes.of("elsewhere"))).isFalse();
    Trees.delete(at(src, ".livesync"));
    assertThat(tr.sendDeletions(List.of(Bytes.of(".livesync")), true).deletions()).isEmpty();
    assertThat(tr.send(List.of(Bytes.of(".livesync")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(tr.send(List.of(Bytes.of(".livesync")), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(store(t.dir)).containsExactlyInAnyOrder(OLD, SNAP);
    assertThat(Trees.exists(at(t.dir, "elsewhere"))).isFalse();
  }
}
