package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source moved away and replaced by an empty directory: the failed sync's ERROR tells to restart
 * if the new directory is the source now, and must say what then happens: that restart's full sync
 * would delete every entry on the target, so the mass-deletion guard holds it until
 * {@code livesync release-deletes}. The restart is done here too, to hold the message to the truth.
 */
class SourceReplacedByEmptyTest {
  @TempDir Path tmp;
  final byte[] dst = Trees.tempDir("replaced-dst");
  Replicator r;

  @AfterEach
  void tearDown() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(10));
    Trees.delete(dst);
  }

  private Replicator start(byte[] src) throws Exception {
    var s = EngineSettings.builder("replaced", src).stateDir(Files.createDirectories(tmp.resolve("state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    return Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
  }

  @Test
  void theErrorOfASourceReplacedSaysTheRestartsFullSyncIsHeldUntilReleaseDeletes() throws Exception {
    Path srcPath = Files.createDirectories(tmp.resolve("src"));
    byte[] src = Bytes.of(srcPath.toString());
    for (int i = 0; i < 5; i++) Trees.write(at(src, "f" + i), "file " + i);
    r = start(src);
    Await.until("the files arrive", Await.CONVERGE, () -> Trees.exists(at(dst, "f4")), () -> r.status());

    Files.move(srcPath, tmp.resolve("src.old"));
    Files.createDirectory(srcPath); // empty: the restart's full sync would delete every entry on the target
    Await.until("the source is said to be replaced", Await.CONVERGE, () -> !r.status().problem().isEmpty(), () -> r.status());
    assertThat(r.status().problem())
        .contains("restart livesync")
        .contains("would delete every entry on a target")
        .contains("the mass-deletion guard holds")
        .contains("'livesync release-deletes replaced'");

    // what it says: after the restart, the deletions are held and the target keeps its files
    r.stop(Duration.ofSeconds(10));
    r = start(src);
    Await.until("the deletions held", Await.CONVERGE, () -> r.status().targets().getFirst().deletionsHeld() == 5, () -> r.status());
    assertThat(Trees.exists(at(dst, "f0"))).as("held, not deleted").isTrue();
  }
}
