package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.monitor.FullSyncProgress;
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

  /**
   * One 3 MB file at --bwlimit=1000K, read as the status page reads it: while the file is on its
   * way, rsync's time is the time left, so the page has an ETA (it said "scanning the tree, no ETA
   * yet" for the whole transfer, and showed the time left as the time elapsed).
   */
  @Test
  void whileAFileIsOnItsWayThePageHasAnEta() throws Exception {
    byte[] src = Trees.tempDir("progress-eta-src");
    try (TargetFixture target = TargetFixture.start(TargetFixture.Kind.DAEMON, null)) {
      byte[] data = new byte[3_000_000];
      new java.util.Random(7).nextBytes(data); // incompressible: the bwlimit holds it about 3 s
      Files.write(Trees.path(src).resolve("big"), data);
      var transport = new RsyncTransport(src, Target.parse(target.url()), target.options().toBuilder().bwlimit("1000k").build());
      List<String> lines = new CopyOnWriteArrayList<>();

      TransferResult r = transport.fullSync(true, lines::add);

      assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.OK);
      List<String> onTheWay = lines.stream().filter(l -> !l.contains("xfr#") && !l.contains("0.00kB/s")).toList();
      assertThat(onTheWay).as("lines while the file was sent: %s", lines).isNotEmpty();
      for (String l : onTheWay) {
        FullSyncProgress p = FullSyncProgress.parse(l, 0);
        assertThat(p).as(l).isNotNull();
        assertThat(p.etaSeconds()).as("rsync's time left, as the ETA: " + l).isBetween(0L, 60L);
        assertThat(p.elapsedSeconds()).as("livesync's clock, not rsync's time left: " + l).isZero();
      }
      assertThat(onTheWay).as("early in the transfer, seconds are left: %s", lines)
          .anyMatch(l -> FullSyncProgress.parse(l, 0).etaSeconds() >= 1);
    } finally {
      Trees.delete(src);
    }
  }
}
