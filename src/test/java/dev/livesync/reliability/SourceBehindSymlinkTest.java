package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
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
import org.junit.jupiter.api.Test;

/**
 * The source directory renamed and a symlink to it put at its path (as an admin moves data to
 * another place and leaves a link): the path still leads to the same directory, so replication
 * goes on, but the log said only, at ERROR, that the source was deleted or moved away and nothing
 * was sent while it was gone, and nothing ever said otherwise. Now the look that follows says it
 * is back. The engine in-process with inotify, real rsync, a real local target.
 */
class SourceBehindSymlinkTest {
  byte[] top;
  byte[] src;
  byte[] moved;
  byte[] dst;
  byte[] state;
  Replicator r;

  @BeforeEach
  void trees() {
    top = Trees.tempDir("symlinked-src");
    src = at(top, "data");
    moved = at(top, "data.moved");
    Trees.mkdirs(src);
    dst = Trees.tempDir("symlinked-dst");
    state = Trees.tempDir("symlinked-state");
    Trees.write(at(src, "before"), "there at start");
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

  @Test
  void aSourceRenamedWithASymlinkToItAtItsPathIsSaidToBeBackAndKeepsReplicating() throws Exception {
    var s = EngineSettings.builder("symlinked", src).stateDir(Trees.path(state)).watcher(dev.livesync.fs.WatcherChoice.Kind.INOTIFY)
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    try (var log = new LogCapture()) {
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
      java.nio.file.Files.move(Trees.path(src), Trees.path(moved));
      Trees.symlink(src, moved);
      String back = "sync 'symlinked': source " + Bytes.display(src) + " is back: watching it anew";
      Await.until("the watch's word, then the look's", Await.CONVERGE, () -> log.text().contains(back), r::status);
      assertThat(log.text()).contains("was deleted or moved away");
      Trees.write(at(moved, "after"), "written through the new place");
      Await.until("the later file at the target", Await.CONVERGE, () -> Trees.exists(at(dst, "after")), r::status);
      assertThat(r.status().state()).isEqualTo("running");
    }
  }
}
