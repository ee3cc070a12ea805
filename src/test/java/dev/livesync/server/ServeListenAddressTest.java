package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.passwordFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, scenario 10: "nothing listens on a non-loopback address unless configured". {@code
 * livesync serve} as a child process; what listens is read from the kernel ({@code /proc/net/tcp},
 * {@code tcp6}, {@code udp}, {@code udp6}, matched to the processes by their socket inodes), never
 * from what serve says or wrote into rsyncd.conf.
 */
class ServeListenAddressTest {
  @TempDir Path tmp;
  final List<LivesyncProcess> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (LivesyncProcess p : started) p.close();
  }

  LivesyncProcess serve(int port, String... extra) throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    List<String> args = new ArrayList<>(List.of("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup",
        "--password-file", pw.toString(), "--port", Integer.toString(port), "--hosts-allow", "127.0.0.1",
        "--runtime-dir", tmp.resolve("run").toString()));
    args.addAll(List.of(extra));
    var p = LivesyncProcess.start(args);
    started.add(p);
    p.awaitOutput("listening on", Duration.ofSeconds(60));
    return p;
  }

  /** Every socket that accepts from others on {@code port}, whoever holds it. */
  static List<ProcStat.Socket> onPort(int port) {
    return ProcStat.listeningSockets().stream().filter(s -> s.port() == port).toList();
  }

  /** The rsync daemon may bind its second socket a moment after the first: wait until the set holds still. */
  static List<ProcStat.Socket> settledOnPort(int port) throws InterruptedException {
    List<ProcStat.Socket> last = onPort(port);
    for (int same = 0; same < 5; ) {
      Thread.sleep(50);
      List<ProcStat.Socket> now = onPort(port);
      same = now.equals(last) ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  /** SIGTERM: serve stops its daemon and exits 0, as `run` does (systemd would count 143 as a failure). */
  static void stop(LivesyncProcess p) throws InterruptedException {
    p.signal("TERM");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.output()).isZero();
    assertThat(p.output()).contains("rsync daemon stopped");
  }

  @Test
  void withALoopbackAddressTheDaemonListensOnLoopbackOnly() throws Exception {
    int port = FreePort.find();
    var p = serve(port, "--address", "127.0.0.1");
    List<ProcStat.Socket> sockets = settledOnPort(port);
    List<ProcStat.Socket> daemons = ProcStat.listeningSocketsOf(p.handle());
    List<String> jvm = ProcStat.socketInodes(p.pid());
    String output = p.output();
    stop(p);

    assertThat(sockets).as("sockets listening on port %d", port).isNotEmpty()
        .allSatisfy(s -> {
          assertThat(s.table()).isEqualTo("tcp");
          assertThat(s.address()).isEqualTo("127.0.0.1");
        });
    assertThat(daemons).as("what serve and its daemon listen on").containsExactlyInAnyOrderElementsOf(sockets);
    assertThat(sockets).as("the serve JVM itself listens on nothing").noneMatch(s -> jvm.contains(s.inode()));
    assertThat(output).contains("listening on 127.0.0.1:" + port + ",").doesNotContain("every address");
    assertThat(onPort(port)).as("after SIGTERM").isEmpty();
  }

  @Test
  void withoutAnAddressTheDaemonListensOnEveryAddressAndTheLogSaysSo() throws Exception {
    int port = FreePort.find();
    var p = serve(port);
    List<ProcStat.Socket> sockets = settledOnPort(port);
    List<ProcStat.Socket> daemons = ProcStat.listeningSocketsOf(p.handle());
    String output = p.output();
    stop(p);

    // rsync's default (no "address" in rsyncd.conf): 0.0.0.0 and, with IPv6, :: too
    assertThat(sockets).as("sockets listening on port %d", port).isNotEmpty().allMatch(ProcStat.Socket::wildcard)
        .allMatch(s -> s.table().startsWith("tcp"));
    assertThat(daemons).containsExactlyInAnyOrderElementsOf(sockets);
    for (ProcStat.Socket s : sockets) {
      String shown = (s.address().contains(":") ? "[" + s.address() + "]" : s.address()) + ":" + port;
      assertThat(output).as("the start-up log names %s", shown).contains(shown);
    }
    assertThat(output).contains("every address of this host");
  }

  @Test
  void helpAndDocsSayTheDefaultPlainly() throws Exception {
    var help = ServeTestSupport.cli("serve", "--help");
    assertThat(help.out().replaceAll("\\s+", " ")).contains("--address=ADDR Listen on this address only (default: every address of this host, 0.0.0.0 and ::");
    String docs = Files.readString(Path.of("docs/serve.md"));
    assertThat(docs).contains("every address of this host");
  }
}
