package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole engine with real inotify and real rsync into a local directory. */
class ReplicatorTest {
  static final Duration CONVERGE = Duration.ofSeconds(60);
  final byte[] src = Trees.tempDir("ls-src");
  final byte[] dst = Trees.tempDir("ls-dst");
  final Path state = Trees.path(Trees.tempDir("ls-state"));
  Replicator r;

  @AfterEach
  void stop() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(5));
  }

  static byte[] at(byte[] dir, String rel) {
    return Bytes.child(dir, Bytes.of(rel));
  }

  EngineSettings settings(LocalRsyncTransport t) {
    return EngineSettings.of("test", src, List.of(t)).withStateDir(state).withDelay(Duration.ofMillis(50));
  }

  @Test
  void initialSyncThenLiveChangesConverge() throws Exception {
    Trees.write(at(src, "before/a.txt"), "before");
    Trees.write(at(dst, "stale"), "extra at target");
    var delivered = new AtomicLong();
    r = Replicator.start(settings(new LocalRsyncTransport(src, dst, List.of())), (t, i, res, n) -> delivered.incrementAndGet());
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
    r = Replicator.start(settings(new LocalRsyncTransport(src, dst, List.of())), null);
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
    r = Replicator.start(settings(t).withRetry(Duration.ofMillis(100), Duration.ofMillis(400)), null);
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
    r = Replicator.start(settings(new LocalRsyncTransport(src, dst, ex)).withExcludes(new Excludes(ex)), null);
    Trees.write(at(src, "keep.txt"), "k");
    Trees.write(at(src, "skip.tmp"), "s");
    Trees.write(at(src, "cache/big"), "c");
    Trees.write(at(src, "sub/also.tmp"), "s");
    Trees.write(at(src, "sub/marker"), "last");
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (!Trees.exists(at(dst, "sub/marker")) && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(Trees.exists(at(dst, "keep.txt"))).isTrue();
    assertThat(Trees.exists(at(dst, "sub/marker"))).isTrue();
    assertThat(Trees.exists(at(dst, "skip.tmp"))).isFalse();
    assertThat(Trees.exists(at(dst, "cache"))).isFalse();
    assertThat(Trees.exists(at(dst, "sub/also.tmp"))).isFalse();
  }
}
