package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.monitor.FullSyncProgress;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full sync split into parts, with real rsync to a local directory and to a daemon: the target ends
 * equal to the source, extraneous files go in every part (carved subtrees and the remainder alike),
 * excluded files at the target are left alone, one rsync per part.
 */
class SplitFullSyncTest {
  private final byte[] src = Trees.tempDir("split-src");
  private final byte[] dst = Trees.tempDir("split-dst");
  private RsyncDaemon daemon;

  @AfterEach
  void tearDown() {
    if (daemon != null) daemon.close();
    Trees.delete(src);
    Trees.delete(dst);
  }

  /** A transport to {@code dst}, directly ("local") or through a daemon started on it ("daemon"). */
  private RsyncTransport transport(String kind, TargetOptions.Builder options) throws InterruptedException {
    Trees.chmod(dst, 0755);
    if (kind.equals("daemon")) {
      daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "pw").start();
      options.passwordFile(daemon.passwordFile());
    }
    return new RsyncTransport(src, Target.parse(daemon != null ? daemon.url() : Bytes.latin1(dst)), options.build());
  }

  /** {@code dirs} at the source, 40 files in those under big/, 8 in the others; five files at the top. */
  private void sourceTree(String... dirs) {
    for (String d : dirs) {
      Trees.mkdirs(at(src, d));
      for (int i = 0; i < (d.startsWith("big") ? 40 : 8); i++) Trees.write(at(src, d + "/f" + i), d + i);
    }
    for (int i = 0; i < 5; i++) Trees.write(at(src, "top" + i), "t" + i);
  }

  /** These parts, {@code parallelism} rsyncs at a time. */
  private static SplitFullSync.Planner planned(List<FullSyncShard> parts, int parallelism) {
    return new SplitFullSync.Planner() {
      @Override
      public List<FullSyncShard> plan() {
        return parts;
      }

      @Override
      public int parallelism() {
        return parallelism;
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void partsTogetherMirrorTheTree(String kind) throws Exception {
    sourceTree("big/a", "big/b", "big/c", "big/d", "small", "st*ar", "cache");
    // what the target has that the source has not: in carved parts, in the rest, in a dir that cannot be carved
    for (String d : List.of("big/a", "small", "st*ar", "cache")) Trees.mkdirs(at(dst, d));
    Trees.write(at(dst, "big/a/stale"), "old");
    Trees.write(at(dst, "small/stale"), "old");
    Trees.write(at(dst, "st*ar/stale"), "old");
    Trees.write(at(dst, "topstale"), "old");
    Trees.write(at(dst, "cache/kept"), "excluded: not ours to delete");
    Excludes excludes = new Excludes(List.of("/cache/"));
    List<FullSyncShard> parts;
    List<String> progress = new ArrayList<>();
    try (var transport = transport(kind, TargetOptions.builder().excludes(excludes.patterns()))) {
      parts = ShardPlanner.plan(TreeCount.of(src, excludes, ShardPlanner.floor(2, 50)), 2, 50);
      // 188 entries for 2 rsyncs: parts of 6 to 47 entries, so big/a..d (40 each), small (8) and the
      // rest; st*ar cannot be named in an exclude and stays in the rest
      assertThat(parts).extracting(p -> Bytes.latin1(p.root())).containsExactlyInAnyOrder("big/a", "big/b", "big/c", "big/d", "small", "");
      TransferResult r = SplitFullSync.run(transport, planned(parts, 2), true, progress::add);

      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(r.deleted()).as("stale files deleted, counted over the parts").isEqualTo(4);
    }
    assertThat(progress.subList(0, 2)).as("the count, then the plan before any part ends")
        .containsExactly("counting the source's entries to cut the tree into parts", "0 0% 0.00MB/s 0:00:00 (xfr#0, to-chk=188/188) parts 0/" + parts.size());
    assertThat(progress.subList(2, progress.size())).as("then one line per part, one rsync per part").hasSize(parts.size());
    FullSyncProgress last = FullSyncProgress.parse(progress.getLast(), 0);
    assertThat(last).as(progress.getLast()).isNotNull();
    assertThat(last.percent()).isEqualTo(100);
    assertThat(progress.getLast()).contains("parts " + parts.size() + "/" + parts.size());
    for (String gone : List.of("big/a/stale", "small/stale", "st*ar/stale", "topstale")) {
      assertThat(Trees.exists(at(dst, gone))).as(gone).isFalse();
    }
    assertThat(Trees.read(at(dst, "cache/kept"))).isEqualTo(Bytes.of("excluded: not ours to delete"));
    Trees.delete(at(dst, "cache"));
    Trees.delete(at(src, "cache"));
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * The part holding the source's top directories ends first (the others wait a second): the parts
   * after it make entries in the target's root and in big/, which changed their mtimes there after
   * that part had set them. Sent once more at the end, they keep the source's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void theDirectoriesAboveThePartsKeepTheSourcesMtimes(String kind) throws Exception {
    sourceTree("big/a", "big/b", "big/c", "big/d", "small");
    for (String d : List.of("big/a", "big/b", "big/c", "big/d", "small", "big", ".")) Trees.setMtime(at(src, d), 978_307_200L); // 2001-01-01
    try (var rsync = transport(kind, TargetOptions.builder())) {
      var rootPartFirst = new dev.livesync.transport.ForwardingTransport(rsync) {
        @Override
        public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
          if (part.root().length > 0) Thread.sleep(1000);
          return super.fullSync(part, delete);
        }
      };
      List<FullSyncShard> parts = ShardPlanner.plan(TreeCount.of(src, new Excludes(List.of()), ShardPlanner.floor(2, 50)), 2, 50);
      assertThat(parts).extracting(p -> Bytes.latin1(p.root())).containsExactlyInAnyOrder("big/a", "big/b", "big/c", "big/d", "small", "");
      TransferResult r = SplitFullSync.run(rootPartFirst, planned(parts, 6), true, null);

      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
    }
    for (String d : List.of(".", "big")) {
      assertThat(Trees.path(at(dst, d)).toFile().lastModified()).as(d).isEqualTo(978_307_200_000L);
    }
    Trees.assertSameTree(src, dst);
  }

  /** The parts' results merged lost that the source moved under rsync: a split full sync's exit 24 was a WARN where one rsync's was not. */
  @org.junit.jupiter.api.Test
  void partsThatSawOnlyTheSourceMoveMergeIntoAResultThatSaysSo() {
    var ok = TransferResult.ok(5, 50, 1);
    var moved = new TransferResult(TransferResult.Outcome.PARTIAL, 24, List.of(Bytes.of("a/x")), 1, 1, 1, "file has vanished", 0, 0, true);
    var denied = new TransferResult(TransferResult.Outcome.PARTIAL, 23, List.of(Bytes.of("b/y")), 1, 1, 1, "Permission denied", 0, 0, false);
    assertThat(SplitFullSync.merge(List.of(ok, moved, ok), 3).sourceMoved()).isTrue();
    assertThat(SplitFullSync.merge(List.of(ok, moved, denied), 3).sourceMoved()).isFalse();
    assertThat(SplitFullSync.merge(List.of(ok, ok), 3).sourceMoved()).isFalse();
  }
}
