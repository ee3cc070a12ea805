package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.Trees;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's looks at the source: once per path while batches are cut and queued, fresh otherwise and on other threads. */
class SourceStatsTest {
  final byte[] src = Trees.tempDir("source-stats");
  final List<String> looked = new ArrayList<>();
  final SourceStats stats = new SourceStats(rel -> {
    synchronized (looked) {
      looked.add(Bytes.display(rel));
    }
    return Libc.lstatOrNull(Bytes.child(src, rel));
  });

  @AfterEach
  void cleanUp() {
    Trees.delete(src);
  }

  @Test
  void whileQueueingEachPathIsLookedAtOnceWhateverIsAsked() {
    Trees.write(Bytes.child(src, Bytes.of("d/f")), "12345");
    List<Long> seen = new ArrayList<>();
    stats.keeping(() -> {
      seen.add(stats.size(Bytes.of("d/f")));
      seen.add(stats.isDir(Bytes.of("d")) ? 1L : 0L);
      seen.add(stats.size(Bytes.of("gone")));
      return List.of("d/f", "d", "gone");
    }, p -> {
      seen.add(stats.lstat(Bytes.of(p)) == null ? -1L : stats.lstat(Bytes.of(p)).nlink());
      seen.add(stats.size(Bytes.of(p)));
    });
    assertThat(looked).containsExactly("d/f", "d", "gone");
    assertThat(seen).containsExactly(5L, 1L, -1L, 1L, 5L, 2L, 0L, -1L, -1L);
  }

  @Test
  void afterQueueingAndOnOtherThreadsEveryQuestionLooksAgain() throws Exception {
    Trees.write(Bytes.child(src, Bytes.of("f")), "12345");
    List<Long> fromWorker = new ArrayList<>();
    stats.keeping(() -> List.of("f"), p -> {
      stats.size(Bytes.of(p));
      var worker = Thread.ofPlatform().start(() -> fromWorker.add(stats.size(Bytes.of(p))));
      try {
        worker.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      stats.size(Bytes.of(p));
    });
    assertThat(fromWorker).containsExactly(5L);
    assertThat(looked).as("the engine once, the worker once").containsExactly("f", "f");
    Trees.write(Bytes.child(src, Bytes.of("f")), "123");
    assertThat(stats.size(Bytes.of("f"))).isEqualTo(3);
    assertThat(stats.size(Bytes.of("f"))).isEqualTo(3);
    assertThat(looked).hasSize(4);
  }
}
