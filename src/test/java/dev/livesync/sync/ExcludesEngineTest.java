package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Libc;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole engine (real inotify, real rsync into a local directory, a clock that only the test
 * moves) under exclude patterns: after live changes the target is what a plain {@code rsync -a
 * --delete} with the same patterns makes of the source, and a full sync would find nothing to do.
 */
class ExcludesEngineTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("ex");
  final byte[] src = engine.src;
  final byte[] dst = engine.dst;
  final byte[] reference = Trees.tempDir("ex-ref");
  private final FakeClock clock = new FakeClock();
  private List<String> patterns = List.of();
  private int settled;
  Replicator r;

  @AfterEach
  void removeReference() {
    Trees.delete(reference);
  }

  private void start(String... excludes) throws InterruptedException {
    patterns = List.of(excludes);
    r = engine.start(engine.settings().excludes(patterns).delay(Duration.ZERO).build(), List.of(engine.local(excludes)), null, clock);
  }

  /**
   * Waits until a file written now has arrived, then for a status published since that says nothing
   * is left to do: every change made before the file has been dealt with (the status seen when it
   * arrived may be older than batches still running beside its own).
   */
  private void settle() {
    String marker = "settled-" + settled++;
    Trees.write(at(src, marker), marker);
    Await.until(marker + " at the target", CONVERGE, () -> Trees.exists(at(dst, marker)), r::status);
    EngineStatus arrived = r.status();
    Await.until("a status since " + marker + " arrived, with nothing left to do", CONVERGE, () -> {
      clock.advanceMillis(250); // the engine publishes its status at least every 200 ms of its clock
      return r.status() != arrived && r.caughtUp();
    }, r::status);
  }

  /** How the target differs from what rsync -a --delete with the same excludes makes of the source in an empty directory. */
  private List<String> differencesFromRsync(Trees.Ignore... ignore) throws Exception {
    List<String> argv = new ArrayList<>(List.of("rsync", "-a", "--delete"));
    for (String p : patterns) argv.add("--exclude=" + p);
    argv.addAll(List.of(Trees.path(src) + "/", Trees.path(reference) + "/"));
    assertThat(new ProcessBuilder(argv).inheritIO().start().waitFor()).isZero();
    return Trees.differences(reference, dst, ignore);
  }

  /** {@code **}{@code /NAME} excludes NAME at the top too (rsync: a leading {@code **}{@code /} may stand for no directory). */
  @Test
  void aLeadingDoubleStarExcludesTheNameAtTheTopToo() throws Exception {
    start("**/node_modules", "**/deep/");
    Trees.mkdirs(at(src, "node_modules"));
    Trees.write(at(src, "node_modules/f"), "1");
    Trees.write(at(src, "deep/g"), "2");
    Trees.write(at(src, "a/node_modules/h"), "3");
    Trees.write(at(src, "a/deep/i"), "4");
    Trees.write(at(src, "a/keep"), "k");
    settle();
    Trees.write(at(src, "node_modules/later"), "5");
    settle();
    assertThat(Trees.exists(at(dst, "node_modules"))).as("node_modules at the target").isFalse();
    assertThat(differencesFromRsync(Trees.Ignore.DIR_MTIMES)).isEmpty();
  }

  /** A new directory whose every entry is excluded still arrives: as itself, since no path below it goes to carry it. */
  @Test
  void aDirectoryWhoseContentsAreAllExcludedArrivesAsItself() throws Exception {
    start("sub/***", "**/x/**");
    Trees.write(at(src, "q/sub/r/h"), "\n");
    Trees.write(at(src, "x/f"), "f");
    settle();
    assertThat(Trees.exists(at(dst, "q"))).as("q at the target").isTrue();
    assertThat(Trees.exists(at(dst, "x"))).as("x at the target").isTrue();
    assertThat(differencesFromRsync(Trees.Ignore.DIR_MTIMES)).isEmpty();
  }

  /**
   * A directory renamed to a name below which the patterns exclude what they did not below the old
   * one: moved at the target, its copy would keep what became excluded there for good (rsync leaves
   * excluded files alone). Renamed the other way, what was excluded arrives.
   */
  @Test
  void aRenamedDirectoryDoesNotCarryWhatBecameExcluded() throws Exception {
    start("dir/*.log", "sub/cache", "/top/cache", "dir/lg/");
    Trees.write(at(src, "d3/x.log"), "a");
    Trees.write(at(src, "d3/ok"), "b");
    Trees.write(at(src, "d3/lg/l"), "l");
    Trees.write(at(src, "n/d4/y.log"), "y");
    Trees.write(at(src, "s/cache/c"), "c");
    Trees.write(at(src, "t/cache/c"), "c");
    Trees.write(at(src, "back/dir/z.log"), "z"); // excluded now, not once renamed
    settle();
    assertThat(Trees.exists(at(dst, "d3/x.log"))).isTrue();
    Libc.rename(at(src, "d3"), at(src, "dir"));
    Libc.rename(at(src, "n/d4"), at(src, "n/dir"));
    Libc.rename(at(src, "s"), at(src, "sub"));
    Libc.rename(at(src, "t"), at(src, "top"));
    Libc.rename(at(src, "back/dir"), at(src, "back/d5"));
    settle();
    assertThat(Trees.exists(at(dst, "dir/x.log"))).as("dir/x.log at the target").isFalse();
    assertThat(differencesFromRsync(Trees.Ignore.DIR_MTIMES)).isEmpty();
  }

  /** Where the patterns exclude alike below both names, a renamed directory is still moved at the target, not sent again. */
  @Test
  void aDirectoryRenamedWhereNothingBecomesExcludedIsMovedAtTheTarget() throws Exception {
    start("*.log", "cache/", "/top", "dir/*.log");
    Trees.write(at(src, "a/big/f"), "f");
    Trees.write(at(src, "a/big/x.log"), "x");
    settle();
    Object before = inode(at(dst, "a/big"));
    Libc.rename(at(src, "a/big"), at(src, "a/bigger"));
    settle();
    assertThat(inode(at(dst, "a/bigger"))).as("the target's directory moved, not made anew").isEqualTo(before);
    assertThat(differencesFromRsync(Trees.Ignore.DIR_MTIMES)).isEmpty();
  }

  /**
   * An excluded file made, deleted or renamed changes its directory's mtime, and the target's copy of
   * the directory follows (it used to keep the old one: a clean stop's next start took the directory
   * for one changed while livesync was stopped).
   */
  @Test
  void anExcludedEntryMadeDeletedOrRenamedSetsItsDirectorysTimes() throws Exception {
    Trees.write(at(src, "made/keep"), "k");
    Trees.write(at(src, "gone/keep"), "k");
    Trees.write(at(src, "gone/old.tmp"), "t");
    Trees.write(at(src, "moved/keep"), "k");
    Trees.write(at(src, "moved/a.tmp"), "t");
    Trees.write(at(src, "deep/er/keep"), "k");
    for (String d : List.of("made", "gone", "moved", "deep/er")) Trees.setMtime(at(src, d), 1_000_000_000L);
    start("*.tmp", "cache/");
    for (String d : List.of("made", "gone", "moved", "deep/er")) assertThat(mtime(at(dst, d))).isEqualTo(mtime(at(src, d)));
    Trees.write(at(src, "made/zz.tmp"), "x");
    Trees.delete(at(src, "gone/old.tmp"));
    Libc.rename(at(src, "moved/a.tmp"), at(src, "moved/b.tmp"));
    Trees.mkdirs(at(src, "deep/er/cache"));
    settle();
    for (String d : List.of("made", "gone", "moved", "deep/er")) {
      assertThat(mtime(at(dst, d))).as("%s's mtime at the target", d).isEqualTo(mtime(at(src, d)));
    }
    assertThat(differencesFromRsync()).isEmpty();
  }

  private static Object mtime(byte[] p) throws java.io.IOException {
    return java.nio.file.Files.getLastModifiedTime(Trees.path(p), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static Object inode(byte[] p) throws java.io.IOException {
    return java.nio.file.Files.getAttribute(Trees.path(p), "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
