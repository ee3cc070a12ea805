package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole engine with real inotify and real rsync into a local directory. */
class ReplicatorTest {
  final byte[] src = Trees.tempDir("ls-src");
  final byte[] dst = Trees.tempDir("ls-dst");
  final Path state = Trees.path(Trees.tempDir("ls-state"));
  Replicator r;

  @AfterEach
  void stop() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(5));
  }

  EngineSettings.Builder settings() {
    return EngineSettings.builder("test", src).stateDir(state).delay(Duration.ofMillis(50));
  }

  @Test
  void initialSyncThenLiveChangesConverge() throws Exception {
    Trees.write(at(src, "before/a.txt"), "before");
    Trees.write(at(dst, "stale"), "extra at target");
    var delivered = new AtomicLong();
    r = Replicator.start(settings().build(), List.of(new LocalRsyncTransport(src, dst, List.of())), (t, i, res, n) -> delivered.incrementAndGet());
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
    r = Replicator.start(settings().build(), List.of(new LocalRsyncTransport(src, dst, List.of())), null);
    byte[] dir = at(src, "hostile");
    Trees.mkdirs(dir);
    for (byte[] name : Trees.hostileNames()) Trees.write(Bytes.child(dir, name), name);
    byte[] deep = Bytes.child(src, Trees.deepPath(40));
    Trees.write(Bytes.child(deep, Bytes.of("leaf")), "deep");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    for (byte[] name : Trees.hostileNames()) dev.livesync.fs.Libc.unlink(Bytes.child(dir, name));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  @Test
  void targetDownThenBackConvergesWithoutBusyLooping() throws Exception {
    var t = new LocalRsyncTransport(src, dst, List.of());
    r = Replicator.start(settings().retry(Duration.ofMillis(100), Duration.ofMillis(400)).build(), List.of(t), null);
    t.down = true;
    for (int i = 0; i < 50; i++) Trees.write(at(src, "d/f" + i), "v" + i);
    Thread.sleep(1500);
    var st = r.status().targets().getFirst();
    assertThat(st.state()).isEqualTo("retrying");
    assertThat(st.failures()).isLessThan(30); // backing off, not spinning
    t.down = false;
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  @Test
  void excludedPathsStayAtTheSource() throws Exception {
    var ex = List.of("*.tmp", "cache/");
    r = Replicator.start(settings().excludes(ex).build(), List.of(new LocalRsyncTransport(src, dst, ex)), null);
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

  /** Found by ReplicatorPropertyTest: a dir moved onto the name of a just created-and-removed dir. */
  @Test
  void dirMovedOntoTheNameOfACreatedAndRemovedDir() throws Exception {
    r = Replicator.start(settings().build(), List.of(new LocalRsyncTransport(src, dst, List.of())), null);
    Thread.sleep(91);
    Trees.write(at(src, "b/d/f"), "f");
    dev.livesync.fs.Libc.mkdir(at(src, "a"), 0755);
    Trees.write(at(src, "a/h"), "h");
    Thread.sleep(28);
    Trees.chmod(at(src, "b/d"), 0755);
    dev.livesync.fs.Libc.mkdir(at(src, "a/c"), 0755);
    Trees.delete(at(src, "a/c"));
    dev.livesync.fs.Libc.rename(at(src, "b/d"), at(src, "a/c"));
    Trees.write(at(src, "b/d/h"), "h2");
    Trees.write(at(src, "a/h"), "h3");
    Trees.awaitSameTree(src, dst, Duration.ofSeconds(10), Trees.Ignore.DIR_MTIMES);
  }

  /** The directory count of a start is kept in the state dir: the next start tells its setup's progress against it. */
  @Test
  void theNextStartKnowsHowManyDirectoriesToWatch() throws Exception {
    for (int i = 0; i < 12; i++) Trees.mkdirs(at(src, "d" + i + "/e"));
    r = Replicator.start(settings().build(), List.of(new LocalRsyncTransport(src, dst, List.of())), null);
    assertThat(java.nio.file.Files.readString(state.resolve(WatchSetupLog.FILE)).strip()).isEqualTo("25");
    r.stop(Duration.ofSeconds(5));
    r = null;

    var setup = new dev.livesync.fs.WatchProgress();
    r = Replicator.open(settings().build(), List.of(new LocalRsyncTransport(src, dst, List.of())), null, Clock.SYSTEM, setup);
    r.awaitStartup();
    assertThat(setup.isDone()).isTrue();
    assertThat(setup.describe()).startsWith("25 directories watched (25 found so far) of about 25 (the count at the last start)");
  }
}
