package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import dev.livesync.transport.TargetFixture.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An initial full sync killed with -9 half way resumes where it stopped: the next start's full sync
 * sends what had not arrived, not the whole tree again. (Finished parts are not skipped outright —
 * what changed in them while livesync was down is known to no one — but rsync finds their files
 * already there and sends no data for them; see docs/decisions.md.)
 */
class InitialSyncResumeTest {
  static final int FILES = 240;
  static final int SIZE = 200 * 1024;
  @RegisterExtension final Workspace ws = new Workspace("resume");
  private final byte[] src = Trees.bytes(ws.mkdirs("src"));
  private final byte[] state = Trees.bytes(ws.mkdirs("state"));

  private LivesyncProcess run(TargetFixture t, String... more) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), t.url(), "--state-dir", Bytes.latin1(state),
        "--status-socket", socket().toString(), "--delay", "50ms"));
    if (t.daemon.passwordFile() != null) args.addAll(List.of("--password-file", t.daemon.passwordFile().toString()));
    args.addAll(List.of(more));
    return ws.livesync(args);
  }

  private Path socket() {
    return Trees.path(state).resolve("status.sock");
  }

  /** Bytes in the finished files under {@code dir} (rsync's temporary dot files, which come and go, left out). */
  private static long bytesIn(Path dir) throws Exception {
    long[] sum = {0};
    Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
        if (a.isRegularFile() && !f.getFileName().toString().startsWith(".")) sum[0] += a.size();
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path f, java.io.IOException e) {
        return java.nio.file.FileVisitResult.CONTINUE; // gone meanwhile
      }
    });
    return sum[0];
  }

  @Test
  void aKilledInitialSyncIsNotStartedFromZero() throws Exception {
    var t = TargetFixture.start(Kind.DAEMON, null);
    ws.closing(t);
    Random random = new Random(17);
    byte[] data = new byte[SIZE];
    for (int i = 0; i < FILES; i++) {
      random.nextBytes(data);
      Trees.write(Bytes.child(src, Bytes.of("d" + i % 12 + "/f" + i)), data);
    }
    long total = (long) FILES * SIZE;

    // slow enough to be caught half way: 47 MB at 4 MB/s per rsync
    var first = run(t, "--bwlimit", "4m");
    Await.until("the first sync 40 % across", Duration.ofSeconds(120), () -> bytesIn(Trees.path(t.dir)) >= total * 2 / 5, () -> !first.alive(),
        () -> bytesIn(Trees.path(t.dir)) + " of " + total + " bytes\n" + first.output());
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(10));
    long arrived = bytesIn(Trees.path(t.dir));
    assertThat(arrived).as("killed half way").isLessThan(total);

    var second = run(t);
    MassDeletionGuardTest.converge(src, t, second);
    JsonNode target = Json.read(StatusClient.fetch(socket()), "status").path("syncs").path(0).path("targets").path(0);
    long sent = target.path("deliveredBytes").asLong();
    assertThat(sent).as("bytes the second start sent (%d had arrived of %d):\n%s", arrived, total, second.output())
        .isLessThanOrEqualTo(total - arrived + 2L * SIZE * 4);
  }
}
