package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.freePort;
import static dev.livesync.server.ServeTestSupport.passwordFile;
import static dev.livesync.server.ServeTestSupport.rsync;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.MoveRequest;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.ChangeTimes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code livesync serve} daemon renames a client's renamed directory in place (its companion
 * module {@code NAME+move}, {@link ModuleMoves}) instead of the client making it again from the old
 * copy; and it renames nothing a request names outside the module, through a symlink, over an
 * existing name, or for a client without the module's password.
 */
class ServeMovesTest {
  @TempDir Path tmp;

  /** The daemon's command for a move: this JVM's classes, as {@code serve} passes its own. */
  static List<String> moveCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "dev.livesync.cli.Main", "serve-move");
  }

  private ServeSpec spec(int port, Path backup, Path pw, boolean readOnly) {
    return new ServeSpec("127.0.0.1", port, tmp.resolve("daemon.log"), tmp.resolve("run"),
        List.of(new ServeModule("m", backup, "u", pw, null, readOnly, List.of("127.0.0.1/32"), 0, null, null)));
  }

  /** {@code twice}: renamed on before the first rename ran at the target (both in its queue at once): moved from the name it holds. */
  @ParameterizedTest(name = "renamed twice: {0}")
  @ValueSource(booleans = {false, true})
  void aRenamedDirectoryIsMovedInTheModuleAndFilesChangedInsideInTheSameWindowStillArrive(boolean twice) throws Exception {
    byte[] src = Trees.bytes(Files.createDirectories(tmp.resolve("src")));
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    // 10,200 entries: from 10,000 a renamed directory is moved rather than copied (DaemonKind.MOVE_MIN_ENTRIES)
    for (int i = 0; i < 10_200; i++) Trees.write(at(src, "big/d" + i % 12 + "/f" + i), "file " + i);
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    int port = freePort();
    Replicator r = null;
    try (RsyncServer server = RsyncServer.start(spec(port, backup, pw, false), moveCommand())) {
      var options = TargetOptions.builder().passwordFile(pw).build();
      var settings = EngineSettings.builder("mv", src).stateDir(Files.createDirectories(tmp.resolve("state"))).build();
      // a target below the module's root: the request names the paths from the module's root
      r = Replicator.start(settings, List.of(RsyncTransport.open(src, "rsync://u@127.0.0.1:" + port + "/m/hosts/web1", options)), null);
      byte[] dst = Trees.bytes(backup.resolve("hosts/web1"));
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      Libc.mkdir(at(src, "archive"), 0755);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      long[] dirInode = new long[1];
      ChangeTimes.ctimeNanos(at(dst, "big"), dirInode);

      if (twice) {
        Libc.rename(at(src, "big"), at(src, "big.tmp"));
        Libc.rename(at(src, "big.tmp"), at(src, "archive/big-2026"));
      } else {
        Libc.rename(at(src, "big"), at(src, "archive/big-2026"));
      }
      Trees.append(at(src, "archive/big-2026/d1/f1"), Bytes.of(", changed in the same window"));
      Trees.write(at(src, "archive/big-2026/new.txt"), "new in the same window");
      Libc.unlink(at(src, "archive/big-2026/d2/f2"));
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));

      long[] after = new long[1];
      ChangeTimes.ctimeNanos(at(dst, "archive/big-2026"), after);
      assertThat(after[0]).as("the old directory itself, moved (a copy would be a new directory)").isEqualTo(dirInode[0]);
      assertThat(Trees.exists(at(dst, "big"))).isFalse();
      assertThat(Trees.exists(at(dst, "big.tmp"))).isFalse();
      assertThat(Files.readString(tmp.resolve("daemon.log"))).contains("m+move/");
      assertThat(backup.resolve("archive")).as("nothing moved at the module's root").doesNotExist();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void nothingOutsideTheModuleThroughASymlinkOverANameOrWithoutThePasswordIsMoved() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path outside = Files.createDirectories(tmp.resolve("outside/secret"));
    Files.writeString(outside.resolve("f"), "not the module's");
    Files.createDirectories(backup.resolve("a/big"));
    Files.createDirectories(backup.resolve("b/taken"));
    Files.createSymbolicLink(backup.resolve("out"), tmp.resolve("outside"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    Path wrong = passwordFile(tmp, "guess", "rw-------");
    int port = freePort();
    try (RsyncServer server = RsyncServer.start(spec(port, backup, pw, false), moveCommand())) {
      StringBuilder log = new StringBuilder();
      assertThat(move(log, port, wrong, "a/big", "b/big")).as(log.toString()).isEqualTo(5);
      assertThat(move(log, port, pw, "out/secret", "stolen")).as(log.toString()).isNotZero();
      assertThat(move(log, port, pw, "a/big", "out/planted")).as(log.toString()).isNotZero();
      assertThat(move(log, port, pw, "a/big", "b/taken")).as(log.toString()).isNotZero();
      assertThat(move(log, port, pw, "a/big", "../escaped")).as(log.toString()).isNotZero();
      assertThat(log).contains("livesync serve-move: ");
      assertThat(outside.resolve("f")).hasContent("not the module's");
      assertThat(tmp.resolve("outside/planted")).doesNotExist();
      assertThat(backup.resolve("stolen")).doesNotExist();
      assertThat(tmp.resolve("escaped")).doesNotExist();
      assertThat(backup.resolve("a/big")).isDirectory();
      assertThat(backup.resolve("b/taken")).isEmptyDirectory();

      assertThat(move(log, port, pw, "a/big", "b/big")).as(log.toString()).isZero();
      assertThat(backup.resolve("b/big")).isDirectory();
      assertThat(backup.resolve("a/big")).doesNotExist();
      assertThat(tmp.resolve("run/rsyncd.conf")).exists();
      assertThat(tmp.resolve("run/move")).isEmptyDirectory();
    }
    // a clean stop leaves nothing of the daemon's in the runtime dir: its config, secrets, the companions' move/
    assertThat(tmp.resolve("run")).isEmptyDirectory();
    // a read-only module has no companion: nothing can be renamed in it
    try (RsyncServer server = RsyncServer.start(spec(port, backup, pw, true), moveCommand())) {
      StringBuilder log = new StringBuilder();
      assertThat(move(log, port, pw, "b/big", "a/big")).as(log.toString()).isEqualTo(5);
      assertThat(log).contains("Unknown module");
      assertThat(backup.resolve("b/big")).isDirectory();
    }
  }

  private static int move(StringBuilder log, int port, Path pw, String from, String to) throws Exception {
    String request = MoveRequest.encode("m", Bytes.of(from), Bytes.of(to));
    return rsync(log, "--list-only", "--password-file=" + pw, "rsync://u@127.0.0.1:" + port + "/" + request);
  }
}
