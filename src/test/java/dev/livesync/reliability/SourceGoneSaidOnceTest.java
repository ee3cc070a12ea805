package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The source directory deleted (rm -rf) under a running sync: the source's own watch said so at
 * ERROR, and the look that follows said it again at ERROR in other words, in the same millisecond,
 * so one directory gone read as two problems. Now it is one ERROR line, with what the watch saw (how
 * it went) and what to do. The engine in-process with each watcher, real rsync, a real local target.
 */
class SourceGoneSaidOnceTest {
  byte[] top;
  byte[] src;
  byte[] dst;
  byte[] state;
  Replicator r;

  @BeforeEach
  void trees() {
    top = Trees.tempDir("gone-once-src");
    src = at(top, "data");
    Trees.mkdirs(at(src, "sub"));
    dst = Trees.tempDir("gone-once-dst");
    state = Trees.tempDir("gone-once-state");
    Trees.write(at(src, "sub/f"), "there at start");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      Trees.delete(top);
      Trees.delete(dst);
      Trees.delete(state);
    }
  }

  @ParameterizedTest
  @EnumSource(value = WatcherChoice.Kind.class, names = {"INOTIFY", "FANOTIFY"})
  void aDeletedSourceIsOneErrorLineThatSaysHowItWentAndWhatToDo(WatcherChoice.Kind kind) throws Exception {
    if (kind == WatcherChoice.Kind.FANOTIFY) {
      org.junit.jupiter.api.Assumptions.assumeTrue(WatcherChoice.fanotifyProblem(src) == null, "fanotify cannot mark the source here");
    }
    var s = EngineSettings.builder("gone-once", src).stateDir(Trees.path(state)).watcher(kind)
        .delay(Duration.ofSeconds(1)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    try (var log = new LogCapture()) {
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
      Trees.delete(src);
      String shown = Bytes.display(src);
      // the look's words: before, the watch's ERROR came first, in the same loop turn
      Await.until("the source said gone", Await.CONVERGE, () -> log.text().contains("source " + shown + " is gone: nothing is sent from it"), r::status);
      // the target's own refusal of a batch (its line starts with the target) is another matter
      String target = "ERROR " + Bytes.display(dst) + ":";
      List<String> errors = log.lines().stream().filter(l -> l.startsWith("ERROR") && l.contains(shown) && !l.startsWith(target)).toList();
      assertThat(errors).as("one directory gone, one ERROR").hasSize(1);
      assertThat(errors.getFirst()).contains("sync 'gone-once': source " + shown + " is gone", "it was deleted or moved away",
          "Put the old directory back");
      // rm -rf takes less than the batch's delay: its deletions were not sent before the source went, and the line does not say they were
      assertThat(Trees.exists(at(dst, "sub/f"))).as("the deletion inside reached the target").isTrue();
      assertThat(errors.getFirst()).doesNotContain("reached the targets within", "reached them within").contains("only what was sent before it went");
      assertThat(r.status().state()).isEqualTo("failed");
    }
  }

  /**
   * The batch of the deletions made as the source went is refused (nothing is sent from a source
   * that is gone): no rsync ran, and the line said "rsync exit -1". A delay of a second, so that the
   * batch ships after the whole tree is gone (a removal of two entries).
   */
  @org.junit.jupiter.api.Test
  void aBatchRefusedForAGoneSourceNamesNoRsyncExit() throws Exception {
    var s = EngineSettings.builder("gone-once", src).stateDir(Trees.path(state)).watcher(WatcherChoice.Kind.INOTIFY)
        .delay(Duration.ofSeconds(1)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    try (var log = new LogCapture()) {
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
      Trees.delete(src);
      String refused = Bytes.display(dst) + ": send ";
      Await.until("the batch refused", Await.CONVERGE, () -> log.lines().stream().anyMatch(l -> l.contains(refused) && l.contains(" is gone")), r::status);
      String line = log.lines().stream().filter(l -> l.contains(refused) && l.contains(" is gone")).findFirst().orElseThrow();
      assertThat(line).contains("failed: source " + Bytes.display(src) + " is gone").doesNotContain("rsync exit");
    }
  }
}
