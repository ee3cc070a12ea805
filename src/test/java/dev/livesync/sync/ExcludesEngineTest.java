package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

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
  private List<String> patterns = List.of();
  private int settled;
  Replicator r;

  @AfterEach
  void removeReference() {
    Trees.delete(reference);
  }

  private void start(String... excludes) throws InterruptedException {
    patterns = List.of(excludes);
    r = engine.start(engine.settings().excludes(patterns).delay(Duration.ZERO).build(), List.of(engine.local(excludes)), null, new FakeClock());
  }

  /** Waits until a file written now has arrived and the engine has nothing left to do: what came before it has been dealt with. */
  private void settle() {
    String marker = "settled-" + settled++;
    Trees.write(at(src, marker), marker);
    Await.until(marker + " at the target, nothing left to do", CONVERGE, () -> Trees.exists(at(dst, marker)) && r.caughtUp(), r::status);
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
}
