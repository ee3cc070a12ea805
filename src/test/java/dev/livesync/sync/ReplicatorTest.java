package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole engine with real inotify and real rsync into a local directory. */
class ReplicatorTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("ls");
  final byte[] src = engine.src;
  final byte[] dst = engine.dst;
  Replicator r;

  @Test
  void initialSyncThenLiveChangesConverge() throws Exception {
    Trees.write(at(src, "before/a.txt"), "before");
    Trees.write(at(dst, "stale"), "extra at target");
    Trees.write(at(dst, "before/a.txt"), "before"); // it backs this source up: one leaving nothing there would be held
    var delivered = new AtomicLong();
    r = engine.start(engine.settings().build(), List.of(engine.local()), (t, i, res, n) -> delivered.incrementAndGet());
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);

    Trees.write(at(src, "new/deep/f.txt"), "hello");
    Trees.write(at(src, "before/a.txt"), "changed");
    Trees.append(at(src, "before/a.txt"), Bytes.of(" more"));
    Trees.chmod(at(src, "before/a.txt"), 0600);
    Trees.write(at(src, "tmp"), "short-lived");
    Trees.delete(at(src, "tmp"));
    Trees.mkdirs(at(src, "x/y"));
    Trees.write(at(src, "x/y/z"), "z");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    dev.livesync.fs.Libc.rename(at(src, "x"), at(src, "renamed"));
    dev.livesync.fs.Libc.rename(at(src, "before/a.txt"), at(src, "new/a-moved.txt"));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    Trees.delete(at(src, "renamed/y/z"));
    dev.livesync.fs.Libc.rmdir(at(src, "renamed/y"));
    Trees.awaitSameTree(src, dst, CONVERGE);
    assertThat(delivered.get()).isPositive();
  }

  @Test
  void hostileNamesAreReplicated() throws Exception {
    r = engine.start(engine.settings().build(), engine.local());
    byte[] dir = at(src, "hostile");
    Trees.mkdirs(dir);
    for (byte[] name : Trees.hostileNames()) Trees.write(Bytes.child(dir, name), name);
    byte[] deep = Bytes.child(src, Trees.deepPath(40));
    Trees.write(Bytes.child(deep, Bytes.of("leaf")), "deep");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    for (byte[] name : Trees.hostileNames()) dev.livesync.fs.Libc.unlink(Bytes.child(dir, name));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * A target that refuses every transfer is tried again after a backoff, not in a loop. On a fake
   * clock (50 ms a step), each retry comes at least 50 ms (half the first backoff: the least any
   * backoff waits) after the attempt before it, however often the loop turns meanwhile; in 1.5 s,
   * fewer than 30 tries. Back up, the target converges.
   */
  @Test
  void targetDownThenBackConvergesWithoutBusyLooping() throws Exception {
    var clock = new FakeClock();
    var t = engine.local();
    t.clock = clock;
    r = engine.start(engine.settings().retry(Duration.ofMillis(100), Duration.ofMillis(400)).build(), List.of(t), null, clock);
    t.down = true;
    for (int i = 0; i < 50; i++) Trees.write(at(src, "d/f" + i), "v" + i);
    Await.until("the first refused transfer", CONVERGE, () -> {
      clock.advanceMillis(50);
      return !t.refusedAt.isEmpty();
    }, r::status);
    long first = t.refusedAt.getFirst();
    Await.until("1.5 s past it on the fake clock", CONVERGE, () -> {
      clock.advanceMillis(50);
      return clock.nanos() - first >= 1_500_000_000L;
    }, r::status);
    List<Long> tries = List.copyOf(t.refusedAt);
    List<Long> retries = tries.stream().filter(at -> at != first).toList(); // the first batch may be more than one item
    assertThat(retries).as("retries in 1.5 s (tries at %s)", tries).hasSizeBetween(2, 29);
    long previous = first;
    for (long at : retries) {
      assertThat(at - previous).as("a retry after the one before, tries at %s", tries).isGreaterThanOrEqualTo(50_000_000L);
      previous = at;
    }
    Await.until("status says retrying", CONVERGE, () -> {
      clock.advanceMillis(50);
      return r.status().targets().getFirst().state().equals("retrying");
    }, r::status);

    t.down = false;
    Await.value("the target equal to the source", CONVERGE, () -> {
      clock.advanceMillis(50);
      return Trees.differences(src, dst, Trees.Ignore.DIR_MTIMES);
    }, List::isEmpty);
  }

  /**
   * Status shows work that ran out at once, not at its next periodic refresh: on a clock that never
   * moves (no delay, so batches still go) the refresh never comes, yet once the file has arrived the
   * status says it was delivered with nothing queued or running — what `livesync status` and a
   * script waiting for "caught up" read.
   */
  @Test
  void statusShowsTheEndOfWorkWithoutWaitingForItsRefresh() throws Exception {
    var clock = new FakeClock();
    r = engine.start(engine.settings().delay(Duration.ZERO).build(), List.of(engine.local()), null, clock);
    Trees.write(at(src, "f"), "one");
    Await.until("f at the target", CONVERGE, () -> Trees.exists(at(dst, "f")), r::status);
    Await.until("status: f delivered, nothing queued or running", CONVERGE, () -> {
      var t = r.status().targets().getFirst();
      return t.deliveredFiles() >= 1 && t.queuedItems() == 0 && t.inFlight() == 0;
    }, r::status);
  }

  @Test
  void excludedPathsStayAtTheSource() throws Exception {
    var ex = List.of("*.tmp", "cache/");
    r = engine.start(engine.settings().excludes(ex).build(), engine.local(ex.toArray(String[]::new)));
    Trees.write(at(src, "keep.txt"), "k");
    Trees.write(at(src, "skip.tmp"), "s");
    Trees.write(at(src, "cache/big"), "c");
    Trees.write(at(src, "sub/also.tmp"), "s");
    Trees.write(at(src, "sub/marker"), "last");
    Await.until("sub/marker at the target", CONVERGE, () -> Trees.exists(at(dst, "sub/marker")), r::status);
    assertThat(Trees.exists(at(dst, "keep.txt"))).isTrue();
    assertThat(Trees.exists(at(dst, "sub/marker"))).isTrue();
    assertThat(Trees.exists(at(dst, "skip.tmp"))).isFalse();
    assertThat(Trees.exists(at(dst, "cache"))).isFalse();
    assertThat(Trees.exists(at(dst, "sub/also.tmp"))).isFalse();
  }

  /** The directory count of a start is kept in the state dir: the next start tells its setup's progress against it. */
  @Test
  void theNextStartKnowsHowManyDirectoriesToWatch() throws Exception {
    for (int i = 0; i < 12; i++) Trees.mkdirs(at(src, "d" + i + "/e"));
    r = engine.start(engine.settings().build(), engine.local());
    assertThat(java.nio.file.Files.readString(engine.state.resolve(WatchSetupLog.FILE)).strip()).isEqualTo("25");
    engine.stop(Duration.ofSeconds(5));

    var setup = new dev.livesync.fs.WatchProgress();
    r = engine.open(engine.settings().build(), engine.local(), setup);
    r.awaitStartup();
    assertThat(setup.isDone()).isTrue();
    assertThat(setup.describe()).startsWith("25 directories watched (25 found so far) of about 25 (the count at the last start)");
  }
}
