package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.sync.GuardedFullSyncTest.Counted;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full sync in parts whose parts start more than the guard's minute after the whole tree's dry run
 * decided on its deletions (a big tree, a restart after {@code kill -9}): each such part decides again
 * on a dry run of itself alone, not of the whole tree (which every part after it waited for: 40 s at
 * "parts 20/21" on a tree of 350,000 entries), and its deletions are still judged against the limit on
 * the whole target. The clock is a fake one, moved a minute on as the parts are planned.
 */
class GuardedFullSyncStaleTest {
  private final byte[] src = Trees.tempDir("stale-src");
  private final byte[] dst = Trees.tempDir("stale-dst");
  private final byte[] state = Trees.tempDir("stale-state");
  private final FakeClock clock = new FakeClock();
  private RsyncDaemon daemon;

  @AfterEach
  void tearDown() {
    if (daemon != null) daemon.close();
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }

  private Counted transport(String kind) throws InterruptedException {
    var options = TargetOptions.builder();
    if (kind.equals("daemon")) {
      Trees.chmod(dst, 0755);
      daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "pw").start();
      options.passwordFile(daemon.passwordFile());
    }
    String url = daemon != null ? daemon.url() + "/" : Bytes.latin1(dst) + "/";
    return new Counted(new RsyncTransport(src, Target.parse(url), options.build()));
  }

  private DeletionGuard guard(Counted t, MaxDelete max) {
    return new DeletionGuard(t, max, clock, p -> Libc.lstatOrNull(Bytes.child(src, p)) == null ? -1 : 0,
        rel -> TreeCount.entries(src, rel, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")), new RecentNames(clock));
  }

  /** {@code files} files in each of big/a..d, 8 in small, 5 at the top. */
  private void sourceTree(int files) {
    for (String d : List.of("big/a", "big/b", "big/c", "big/d", "small")) {
      for (int i = 0; i < (d.startsWith("big") ? files : 8); i++) Trees.write(at(src, d + "/f" + i), d + i);
    }
    for (int i = 0; i < 5; i++) Trees.write(at(src, "top" + i), "t" + i);
  }

  /**
   * The first copy, then a restart's: the target's files in {@code dirs} differ in mtime (enough to go
   * in parts, none made: no name made stands for one deleted), and once the parts are planned — after
   * the whole tree's dry run decided — the minute is over and {@code meanwhile} runs at the source.
   */
  private TransferResult restart(Counted t, MaxDelete max, int files, List<String> dirs, Runnable meanwhile) throws InterruptedException {
    var planner = new GuardedFullSyncTest.Planner(src);
    TransferResult first = guard(t, max).fullSync(true, null, planner);
    assertThat(first.outcome()).as(first.message()).isEqualTo(TransferResult.Outcome.OK);
    Trees.assertSameTree(src, dst);
    for (String d : dirs) for (int i = 0; i < files; i++) Trees.setMtime(at(dst, d + "/f" + i), 1_000_000_000L);
    t.reset();
    SplitFullSync.Planner late = new SplitFullSync.Planner() {
      @Override
      public List<FullSyncShard> plan() {
        clock.advanceMillis(DeletionGuard.WINDOW_NANOS / 1_000_000 + 1_000);
        List<FullSyncShard> parts = planner.plan();
        meanwhile.run(); // after the plan: what the source loses may be spread over several parts
        assertThat(parts).as("parts").hasSizeGreaterThan(1);
        return parts;
      }

      @Override
      public int parallelism() {
        return planner.parallelism();
      }

      @Override
      public long fewestChanges() {
        return planner.fewestChanges();
      }
    };
    return guard(t, max).fullSync(true, null, late); // a new guard: as after a restart
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aPartStartingAfterTheDecisionWentStaleDoesNotRunADryRunOfTheWholeTree(String kind) throws Exception {
    sourceTree(40);
    try (Counted t = transport(kind)) {
      Trees.write(at(dst, "small/extra"), "only at the target"); // a deletion the restart's dry run judges
      TransferResult r = restart(t, new MaxDelete(50, -1), 40, List.of("big/a", "big/b"), () -> Trees.delete(at(src, "small/f1")));
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.dryRuns.get()).as("dry runs of the whole tree: the restart's own alone").isEqualTo(1);
      assertThat(t.parts.get()).as("rsyncs of parts").isGreaterThan(1);
    }
    Trees.assertSameTree(src, dst); // small/extra and small/f1 deleted: a part judged them
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aStalePartThatWouldDeleteBeyondTheLimitIsHeld(String kind) throws Exception {
    sourceTree(40);
    try (Counted t = transport(kind)) {
      // max 20 paths (a number: no floor); 40 files go from big/c after the decision
      TransferResult r = restart(t, new MaxDelete(-1, 20), 40, List.of("big/a", "big/b"), () -> {
        for (int i = 0; i < 40; i++) Trees.delete(at(src, "big/c/f" + i));
      });
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
    }
    for (int i = 0; i < 40; i++) assertThat(Trees.exists(at(dst, "big/c/f" + i))).as("big/c/f" + i + " held at the target").isTrue();
    assertThat(Trees.differences(src, dst)).as("all but the held deletions synced").hasSize(40);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aStalePartIsJudgedAgainstAShareOfTheWholeTargetNotOfItself(String kind) throws Exception {
    sourceTree(150); // 621 entries: 50 % is 310
    try (Counted t = transport(kind)) {
      // 120 files: most of their part, over the floor of 100, under half the target: they go
      TransferResult r = restart(t, new MaxDelete(50, -1), 150, List.of("big/b", "big/c"), () -> {
        for (int i = 0; i < 120; i++) Trees.delete(at(src, "big/a/f" + i));
      });
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
    }
    Trees.assertSameTree(src, dst);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aStalePartOverAShareOfTheWholeTargetIsHeld(String kind) throws Exception {
    sourceTree(150);
    try (Counted t = transport(kind)) {
      // 450 files of 621 entries, 150 in each of three parts: over half the target, though no part is
      TransferResult r = restart(t, new MaxDelete(50, -1), 150, List.of("big/d"), () -> {
        for (String d : List.of("big/a", "big/b", "big/c")) for (int i = 0; i < 150; i++) Trees.delete(at(src, d + "/f" + i));
      });
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
    }
    for (String d : List.of("big/a", "big/b", "big/c")) assertThat(Trees.exists(at(dst, d + "/f0"))).as(d + "/f0 held at the target").isTrue();
  }
}
