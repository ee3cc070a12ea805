package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code livesync run} killed with SIGKILL in the middle of a send leaves no rsync of its own
 * running: one left behind (here slowed by --bwlimit to minutes; a send writes nothing to its pipes
 * until its end) could land its old copy after a restarted livesync had sent a newer one. On a local
 * and a daemon target.
 */
class KilledRunChildrenTest {
  @RegisterExtension final Workspace ws = new Workspace("rel-killed");
  final Path work = ws.dir();
  final List<ProcessHandle> children = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (ProcessHandle h : children) h.destroyForcibly(); // by pid: those that outlived livesync
    for (ProcessHandle h : children) h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    // then the workspace stops livesync and the daemon, and deletes the work dir
  }

  private byte[] dir(String name) throws Exception {
    Path p = Files.createDirectories(work.resolve(name));
    Trees.chmod(Bytes.of(p.toString()), 0755);
    return Bytes.of(p.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void noRsyncOfAKilledRunSurvivesIt(String kind) throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Trees.write(at(src, "small"), "small");
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src)));
    if (kind.equals("local")) {
      args.add(Bytes.latin1(dst));
    } else {
      var daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "pw").start();
      ws.closing(daemon);
      args.addAll(List.of(daemon.url(), "--password-file", daemon.passwordFile().toString()));
    }
    args.addAll(List.of("--bwlimit=100k", "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString()));
    var p = ws.livesync(args);

    p.awaitOutput("full sync (start) done", Await.CONVERGE);
    // a send (not the start's full sync, whose progress lines to a closed pipe end it): 12 MiB at
    // 100 KiB/s, minutes of transfer, far longer than the wait below
    byte[] big = new byte[12 << 20];
    new java.util.Random(1).nextBytes(big);
    Trees.write(at(src, "big"), big);
    Await.until("an rsync of livesync's under way", Await.CONVERGE, () -> rsyncs(p.handle()).size() > 0, p::output);
    children.addAll(p.handle().descendants().toList());
    p.signal("KILL");
    p.awaitExit(Await.CONVERGE);

    Await.until("every child of the killed livesync gone", Await.CONVERGE, () -> children.stream().noneMatch(ProcessHandle::isAlive),
        () -> children.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList());
    assertThat(Trees.exists(at(dst, "big"))).as("the transfer was cut short").isFalse();
  }

  private static List<ProcessHandle> rsyncs(ProcessHandle livesync) {
    return livesync.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/rsync")).orElse(false)).toList();
  }
}
