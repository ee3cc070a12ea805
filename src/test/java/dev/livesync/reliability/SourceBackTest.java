package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A source disk unmounted and mounted again is the directory the sync started on again: what changes
 * in it from then on reaches the targets, on both watchers. The watches of the file system as it was
 * mounted do not see it there (inotify's went with the unmount; fanotify's names it through the old,
 * detached mount): it is watched anew and a full sync goes to every target.
 */
class SourceBackTest {
  static final Duration CONVERGE = Await.CONVERGE;
  @TempDir Path tmp;
  final byte[] dst = Trees.tempDir("back-dst");
  Replicator r;

  @AfterEach
  void tearDown() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(10));
    Trees.delete(dst);
  }

  void start(byte[] src, WatcherChoice.Kind watcher) throws Exception {
    var s = EngineSettings.builder("back", src).stateDir(Files.createDirectories(tmp.resolve("state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).watcher(watcher).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
  }

  void await(String what, Await.Check cond) {
    Await.until(what, CONVERGE, cond, () -> r.status());
  }

  @ParameterizedTest
  @EnumSource(value = WatcherChoice.Kind.class, names = {"INOTIFY", "FANOTIFY"})
  void aSourceDiskUnmountedAndMountedAgainIsReplicatedAgain(WatcherChoice.Kind watcher) throws Exception {
    try (LoopFs fs = LoopFs.ext4(tmp, 16); var logs = new LogCapture()) {
      byte[] src = Bytes.of(fs.root().toString());
      Trees.write(at(src, "data/before.txt"), "before the unmount");
      start(src, watcher);
      await("the first file arrives", () -> Trees.exists(at(dst, "data/before.txt")));
      fs.unmount(); // lazily: a fanotify watcher holds the file system open
      await("the source is said to be gone", () -> !r.status().problem().isEmpty());
      fs.mount();
      await("the source is said to be back", () -> r.status().problem().isEmpty());
      Trees.write(at(src, "data/after.txt"), "after the mount");
      Trees.write(at(src, "new/deeper.txt"), "in a new directory");
      Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
      assertThat(logs.text()).contains("source " + Bytes.display(src) + " is back: watching it anew and queueing a full sync to every target");
    }
  }
}
