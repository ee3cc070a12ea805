package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A rename on a daemon target is delete + send; the send must find the old copy as its basis. */
class DaemonRenameTest {
  @Test
  void deleteAndSendInOneBatchReusesTheOldCopyAndNeverHitsTheBasisRace() throws Exception {
    byte[] src = Trees.tempDir("ls-fz-src");
    byte[] dst = Trees.tempDir("ls-fz-dst");
    try (var daemon = RsyncDaemon.builder(Trees.path(dst))
        .moduleOption("transfer logging", "yes")
        .moduleOption("log format", "sent-bytes %b for %n")
        .start()) {
      byte[] data = new byte[4 << 20];
      new Random(7).nextBytes(data);
      byte[] old = Bytes.of("zz old name");
      Trees.write(Bytes.child(src, old), data);
      var transport = RsyncTransport.open(src, daemon.url(), TargetOptions.defaults());
      assertThat(transport.fullSync(true).outcome()).isEqualTo(Outcome.OK);

      byte[] renamed = Bytes.of("aa new name"); // sorts before the old name: one rsync would delete its basis first
      java.nio.file.Files.move(Trees.path(Bytes.child(src, old)), Trees.path(Bytes.child(src, renamed)));
      assertThat(transport.rename(old, renamed)).isFalse();
      TransferResult r = transport.send(List.of(renamed, old), false);

      assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
      Matcher m = Pattern.compile("sent-bytes (\\d+) for aa new name").matcher(daemon.log());
      assertThat(m.find()).as(daemon.log()).isTrue();
      assertThat(Long.parseLong(m.group(1))).as("bytes on the wire for a 4 MiB renamed file").isLessThan(data.length / 10);
    } finally {
      Trees.delete(src);
      Trees.delete(dst);
    }
  }
}
