package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM while an initial full sync runs, at start and after a SIGHUP added a sync: the process
 * used to wait in the start-up (the signal queue was read only once every initial sync had made its
 * first attempt), so a slow first sync held the stop for its whole length and a service manager
 * killed it. A real daemon behind --bwlimit makes the first sync last about 50 s; the stop must end
 * it (bounded by --stop-timeout) long before.
 */
class StopDuringFirstSyncTest {
  @RegisterExtension final Workspace ws = new Workspace("stop-first-sync");
  final Path work = ws.dir();

  /** 5 files of 1 MiB: at 100 KiB/s the full sync takes about 50 s. */
  private Path slowSource(String name) throws Exception {
    Path src = Files.createDirectories(work.resolve(name));
    Random r = new Random(7);
    for (int i = 0; i < 5; i++) {
      byte[] b = new byte[1 << 20];
      r.nextBytes(b);
      Files.write(src.resolve("f" + i), b);
    }
    return src;
  }

  private RsyncDaemon daemon(Path module) throws Exception {
    var d = RsyncDaemon.start(Files.createDirectories(module));
    ws.closing(d);
    return d;
  }

  private LivesyncProcess livesync(List<String> args) {
    return ws.livesync(args);
  }

  /** The daemon's receiver removes its temp file when the client goes away; none may stay. */
  private static void noTempFilesLeft(Path module) throws InterruptedException {
    Await.until("no rsync temp file in the target", Duration.ofSeconds(10), () -> {
      try (Stream<Path> s = Files.walk(module)) {
        return s.noneMatch(p -> p.getFileName().toString().startsWith("."));
      } catch (java.io.IOException e) {
        return false;
      }
    }, () -> module.toString());
  }

  @Test
  void sigtermDuringTheInitialFullSyncStopsWithinTheStopTimeout() throws Exception {
    Path src = slowSource("src");
    Path module = work.resolve("module");
    var daemon = daemon(module);
    var p = livesync(List.of("run", src.toString(), daemon.url(), "--name", "www", "--state-dir", work.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString(), "--bwlimit", "100K", "--stop-timeout", "2s"));
    p.awaitOutput("sync 'www': starting", CONVERGE);
    Await.until("the full sync writing at the target", CONVERGE, () -> hasTempFile(module), p::output);
    p.signal("TERM");
    // before: the signal was read only when the ~50 s full sync had ended
    assertThat(p.awaitExit(Duration.ofSeconds(25))).as(p.output()).isZero();
    assertThat(p.output()).contains("SIGTERM: stopping").contains("still busy with a full sync when the stop's time (stop_timeout) ran out");
    try (Stream<Path> s = Files.list(module)) {
      assertThat(s.filter(f -> !f.getFileName().toString().startsWith(".")).count()).as("the full sync had not ended").isLessThan(5);
    }
    noTempFilesLeft(module);
  }

  @Test
  void sigtermWhileASyncAddedBySighupRunsItsFirstFullSyncStopsToo() throws Exception {
    Path quick = Files.createDirectories(work.resolve("quick"));
    Files.writeString(quick.resolve("a"), "a");
    Path quickTarget = work.resolve("quick-target");
    Path slow = slowSource("slow");
    Path module = work.resolve("module");
    var daemon = daemon(module);
    String head = "state_dir = \"" + work.resolve("state") + "\"\nstatus_socket = \"" + work.resolve("s.sock") + "\"\nstop_timeout = \"2s\"\n"
        + "[[sync]]\nname = \"quick\"\nsource = \"" + quick + "\"\n  [[sync.target]]\n  url = \"" + quickTarget + "\"\n";
    Path config = Files.writeString(work.resolve("c.toml"), head);
    var p = livesync(List.of("run", "--config", config.toString()));
    p.awaitOutput("running: 1 sync(s)", CONVERGE);
    Files.writeString(config, head + "[[sync]]\nname = \"slow\"\nsource = \"" + slow + "\"\n  [[sync.target]]\n  url = \"" + daemon.url()
        + "\"\n  bwlimit = \"100K\"\n");
    p.signal("HUP");
    p.awaitOutput("sync 'slow': starting", CONVERGE);
    Await.until("the added sync's full sync writing at the target", CONVERGE, () -> hasTempFile(module), p::output);
    p.signal("TERM");
    assertThat(p.awaitExit(Duration.ofSeconds(25))).as(p.output()).isZero();
    assertThat(p.output()).contains("SIGTERM: stopping");
    noTempFilesLeft(module);
  }

  private static boolean hasTempFile(Path module) {
    try (Stream<Path> s = Files.walk(module)) {
      return s.anyMatch(f -> f.getFileName().toString().startsWith(".f"));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
