package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A directory renamed at the source reaches a daemon target (which cannot rename) without its files
 * crossing the wire again: the new name is made from the old copy with --link-dest, then the old
 * name is deleted. The daemon's own log counts what it received (rsync's per-session totals).
 */
class DaemonDirRenameTest {
  static final int FILES = 50, SIZE = 1 << 20;

  @Test
  void aRenamedDirectoryIsMadeFromItsOldCopyAndAFileChangedInsideStillArrives() throws Exception {
    byte[] src = Trees.tempDir("ls-dr-src");
    byte[] dst = Trees.tempDir("ls-dr-dst");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    var rnd = new Random(3);
    for (int i = 0; i < FILES; i++) {
      byte[] data = new byte[SIZE];
      rnd.nextBytes(data);
      Trees.write(at(src, "big/part" + i % 3 + "/f" + i), data);
    }
    Trees.write(at(src, "big/small.txt"), "small");
    Libc.symlink(Bytes.of("part0/f0"), at(src, "big/link"));
    Replicator r = null;
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var s = EngineSettings.builder("dr", src).stateDir(Trees.path(Trees.tempDir("ls-dr-state"))).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      long before = received(daemon.log());
      assertThat(before).as("the initial sync sent the data").isGreaterThan((long) FILES * SIZE);

      Libc.mkdir(at(src, "archive"), 0755);
      // watched once it is at the target: a rename into a directory made a moment ago can come
      // before its watch, and is then seen as a new tree (a create, not a rename)
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      before = received(daemon.log());
      Libc.rename(at(src, "big"), at(src, "archive/big-2026"));
      Trees.append(at(src, "archive/big-2026/part1/f7"), Bytes.of("changed in the same window"));
      Trees.write(at(src, "archive/big-2026/new.txt"), "new in the same window");
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));

      long sent = received(daemon.log()) - before;
      System.out.printf("a renamed %d MiB directory: %d bytes received by the daemon%n", FILES * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) FILES * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.read(at(dst, "archive/big-2026/part1/f7"))).isEqualTo(Trees.read(at(src, "archive/big-2026/part1/f7")));
      assertThat(Trees.exists(at(dst, "big"))).isFalse();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /** Sum of "received N bytes" over the daemon's session lines. */
  static long received(String log) {
    long sum = 0;
    Matcher m = Pattern.compile("received (\\d+) bytes").matcher(log);
    while (m.find()) sum += Long.parseLong(m.group(1));
    return sum;
  }
}
