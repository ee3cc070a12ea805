package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A full sync with a progress sink reports rsync's overall progress and still counts what it sent. */
class FullSyncProgressTest {
  @Test
  void progressLinesArriveAndTheStatsAreStillCounted() throws Exception {
    byte[] src = Trees.tempDir("progress-src");
    try (TargetFixture target = TargetFixture.start(TargetFixture.Kind.DAEMON, null)) {
      Path dir = Files.createDirectories(Trees.path(src).resolve("d"));
      byte[] block = new byte[100_000];
      for (int i = 0; i < 200; i++) Files.write(dir.resolve("f" + i), block);
      var transport = new RsyncTransport(src, Target.parse(target.url()), target.options().toBuilder().bwlimit("20m").build());
      List<String> lines = new CopyOnWriteArrayList<>();

      TransferResult r = transport.fullSync(true, lines::add);

      assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(r.files()).isEqualTo(200);
      assertThat(lines).isNotEmpty().allMatch(l -> l.matches("\\d+\\s+\\d+%.*"));
      assertThat(Trees.path(target.dir).resolve("d/f199")).hasSize(100_000);
    } finally {
      Trees.delete(src);
    }
  }
}
