package dev.livesync.reliability;

import static dev.livesync.testing.Await.CONVERGE;
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
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A path rsync can never send, in the tree at the start: the engine, real rsync to a local directory.
 * A name deeper than rsync can name (4,096 bytes below the source) is what any user can make; as root,
 * nothing else is unreadable.
 */
class UnsendablePathsTest {
  /**
   * The start's full sync with deletions ends with exit 23 ("filename overflows max-path len"), after
   * which rsync skips the deletions of every directory it lists later. Its retry leaves the directory
   * holding that name out and is done; that directory goes again on its own, with a backoff of its
   * own, and the whole tree is not synced again and again.
   */
  @Test
  void aNameTooLongForRsyncDoesNotHoldBackTheStartsDeletions() throws Exception {
    byte[] src = Trees.tempDir("unsendable-src");
    byte[] dst = Trees.tempDir("unsendable-dst");
    String level = "d".repeat(250);
    Replicator r = null;
    try (var logs = new LogCapture()) {
      for (int i = 0; i < 10; i++) Trees.write(at(src, "f" + i), "file " + i);
      assertThat(new ProcessBuilder("rsync", "-a", Bytes.latin1(src) + "/", Bytes.latin1(dst) + "/").start().waitFor()).isZero();
      Trees.write(at(dst, "stale"), "gone from the source while livesync was stopped");
      Trees.chainOfDirs(src, level);
      var s = EngineSettings.builder("unsendable", src).stateDir(Trees.path(Trees.tempDir("unsendable-state")))
          .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
      Await.until("the full sync done, leaving the directory out", CONVERGE, () -> logs.text().contains("leaving out 1 unreadable) done"), logs::text);
      assertThat(Trees.exists(at(dst, "stale"))).as("deleted at the target").isFalse();
      Thread.sleep(3_000); // three times the longest retry delay here: a full sync run again would show
      assertThat(logs.lines().stream().filter(l -> l.contains(": full sync (")).filter(l -> l.contains(" done")).count())
          .as("full syncs done").isOne();
      assertThat(logs.lines().stream().filter(l -> l.contains(": full sync (") && l.contains("not transferred")).count())
          .as("full syncs that failed").isOne();
      assertThat(Trees.exists(at(dst, level + "10/" + level + "11"))).as("the chain as far as rsync can name it").isTrue();
      Trees.write(at(src, "after"), "made after the start");
      Await.until("'after' at the target", CONVERGE, () -> Trees.exists(at(dst, "after")), logs::text);
      assertThat(r.crashed()).isNull();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
      Trees.deleteChain(level, src, dst);
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /**
   * A send of one path only, the first directory of the chain that lies beyond PATH_MAX (4,095 bytes
   * with the source's own path): what the engine sends when it sees that directory made and cannot
   * watch it. No look of livesync's at such a path may throw: what comes of it is rsync's to say (rsync
   * 3.5 cuts such an argument at 4,095 bytes, finds nothing there and, with --delete-missing-args, is
   * done), not a failure of the target, after which every item of the target waited for its backoff,
   * the send failed again each time, and a stop took the target as unreachable.
   */
  @Test
  void aPathTooLongToLookAtSentAloneIsRsyncsToJudgeNotAFailureOfTheTarget() throws Exception {
    byte[] src = Trees.tempDir("unsendable-src");
    byte[] dst = Trees.tempDir("unsendable-dst");
    String level = "d".repeat(250);
    try {
      Trees.chainOfDirs(src, level);
      byte[] rel = Bytes.of(level + "10");
      for (int i = 11; src.length + 1 + rel.length < 4096; i++) rel = Bytes.of(Bytes.latin1(rel) + "/" + level + i);
      var transport = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
      TransferResult sent = transport.send(List.of(rel), false);
      assertThat(sent.exitCode()).as("rsync ran: " + sent.message()).isNotNegative();
      assertThat(sent.outcome()).as(sent.message()).isIn(Outcome.OK, Outcome.PARTIAL);
    } finally {
      Trees.deleteChain(level, src, dst);
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /**
   * A directory renamed deep in the source, whose path at the target is beyond PATH_MAX (a target path
   * longer than the source's): the rename's look at the target threw ENAMETOOLONG, the target was
   * "retrying" with a growing backoff for good and a stop took it as unreachable. The rename is not
   * made; the send after it is rsync's to judge, as above.
   */
  @Test
  void aRenameBeyondPathMaxAtALocalTargetIsNotMadeAndNotAFailure() throws Exception {
    byte[] src = Trees.tempDir("unsendable-src");
    byte[] dst = Trees.tempDir("unsendable-dst");
    try {
      var transport = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
      String level = "d".repeat(250);
      String rel = level;
      while (dst.length + 1 + rel.length() < 4200) rel = rel + "/" + level;
      assertThat(transport.rename(Bytes.of(rel + "/leaf"), Bytes.of(rel + "/leaf2"))).isFalse();
    } finally {
      Trees.delete(src);
      Trees.delete(dst);
    }
  }
}
