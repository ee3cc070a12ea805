package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.Processes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Sshd;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exit-code classification against real failures: partial transfers, auth, a target that is down. */
class TransportFailureTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("ls-fail-src");

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
  }

  private <T extends AutoCloseable> T track(T c) {
    cleanup.add(c);
    return c;
  }

  /** rsync as user nobody cannot read files of mode 000: exit 23, and exactly those paths come back. */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void unreadableSourceFilesArePartialWithExactlyThoseFailedPaths(Kind kind) throws Exception {
    var t = track(TargetFixture.start(kind, null, false));
    Trees.chmod(src, 0755);
    Trees.chown(t.dir, 65534, 65534); // rsync runs as nobody: it may write and set times at the target root
    byte[] gbk = {'g', (byte) 0xb9, (byte) 0xfa};
    List<byte[]> unreadable = List.of(Bytes.of("secret\nfile"), gbk, Bytes.of("sub/we\"ird \\#012"), Bytes.of("#hash"));
    List<byte[]> readable = List.of(Bytes.of("ok"), Bytes.of("sub/ok too"));
    List<byte[]> all = new ArrayList<>(readable);
    all.addAll(unreadable);
    for (byte[] p : all) Trees.write(at(src, p), p);
    Trees.chmod(at(src, Bytes.of("sub")), 0755);
    for (byte[] p : all) Trees.chmod(at(src, p), 0644);
    for (byte[] p : unreadable) Trees.chmod(at(src, p), 0);
    List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "rsync");
    var options = t.options().toBuilder().rsyncCommand(asNobody).build();
    var transport = RsyncTransport.open(src, t.url(), options);

    TransferResult r = transport.send(all, false);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.PARTIAL);
    assertThat(r.exitCode()).isEqualTo(23);
    assertThat(r.failedPaths()).extracting(Bytes::display)
        .containsExactlyInAnyOrderElementsOf(unreadable.stream().map(Bytes::display).toList());
    for (byte[] p : readable) assertThat(Trees.read(at(t.dir, p))).isEqualTo(p);
    assertThat(r.sourceMoved()).as("unreadable is not moved: said at WARN").isFalse();
  }

  /**
   * GNU tar makes a placeholder file where an archive has a symlink and puts the symlink in its place
   * at the end: rsync lists the file and finds a symlink when it opens it (ELOOP). Exit 23, that path
   * failed, and the result says the source moved (logged at INFO: tar's pattern, not a fault).
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void aFileThatBecameASymlinkAfterRsyncListedItIsPartialBecauseTheSourceMoved(Kind kind) throws Exception {
    var t = track(TargetFixture.start(kind, null));
    byte[] big = new byte[800_000];
    new java.util.Random(1).nextBytes(big);
    Trees.write(at(src, Bytes.of("a-big")), big); // sent first: rsync sends in name order
    Trees.write(at(src, Bytes.of("link")), "");
    var transport = t.transport(src, t.url(), t.options().toBuilder().bwlimit("500").build()); // 1.6 s for a-big
    var sent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return transport.send(List.of(Bytes.of("a-big"), Bytes.of("link")), false);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Path dst = Path.of(Bytes.latin1(t.dir));
    long until = System.nanoTime() + 20_000_000_000L;
    while (!sent.isDone() && System.nanoTime() < until) { // a-big's temp file: the list was made
      try (var names = Files.list(dst)) {
        if (names.anyMatch(n -> n.getFileName().toString().startsWith(".a-big."))) break;
      }
      Thread.sleep(10);
    }
    assertThat(sent).as("a-big still on its way").isNotDone();
    Path link = Path.of(Bytes.latin1(at(src, Bytes.of("link"))));
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("a-big"));
    TransferResult r = sent.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.PARTIAL);
    assertThat(r.exitCode()).isEqualTo(23);
    assertThat(r.message()).contains("Too many levels of symbolic links");
    assertThat(r.failedPaths()).extracting(Bytes::display).containsExactly("link");
    assertThat(r.sourceMoved()).isTrue();
    assertThat(transport.send(List.of(Bytes.of("link")), false).outcome()).isEqualTo(Outcome.OK);
    assertThat(Files.readSymbolicLink(dst.resolve("link"))).isEqualTo(Path.of("a-big"));
  }

  /** A path whose parent vanished: exit 24; the parent comes back so that its deletion gets sent. */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void vanishedParentIsPartialAndNamesTheParent(Kind kind) throws Exception {
    var t = track(TargetFixture.start(kind, null));
    Trees.write(at(t.dir, Bytes.of("gone/x")), "old");
    var transport = t.transport(src);
    TransferResult r = transport.send(List.of(Bytes.of("gone/x")), false);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.PARTIAL);
    assertThat(r.exitCode()).isEqualTo(24);
    assertThat(r.failedPaths()).extracting(Bytes::display).containsExactlyInAnyOrder("gone/x", "gone");
    assertThat(r.sourceMoved()).isTrue();
    assertThat(transport.send(List.of(Bytes.of("gone")), false).outcome()).isEqualTo(Outcome.OK);
    assertThat(Trees.exists(at(t.dir, Bytes.of("gone")))).isFalse();
  }

  @Test
  void wrongPasswordIsFatalAndSaysWhatToCheck() throws Exception {
    var t = track(TargetFixture.start(Kind.DAEMON, null));
    Path wrong = Path.of(Bytes.latin1(Trees.tempDir("ls-pw")), "wrong.password");
    track(() -> Trees.delete(Bytes.of(wrong.getParent().toString())));
    Files.writeString(wrong, "not the password\n");
    Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Trees.write(at(src, Bytes.of("f")), "x");

    var transport = RsyncTransport.open(src, t.url(), TargetOptions.builder().passwordFile(wrong).build());
    TransferResult r = transport.send(List.of(Bytes.of("f")), false);
    assertThat(r.outcome()).isEqualTo(Outcome.FATAL);
    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.message())
        .startsWith("authentication failed for user backup at " + t.daemon.url().replace(":" + t.daemon.port() + "/", ":" + t.daemon.port() + "/"))
        .contains(": the password in " + wrong + " (--password-file, password_file) is not the one in the daemon's secrets file (its"
            + " 'backup:' line): check both (@ERROR: auth failed on module backup")
        .doesNotContain("not the password");

    TransferResult none = RsyncTransport.open(src, t.url(), TargetOptions.defaults()).send(List.of(Bytes.of("f")), false);
    assertThat(none.outcome()).as("no password file and no RSYNC_PASSWORD: fails, never prompts").isEqualTo(Outcome.FATAL);
    assertThatThrownBy(() -> transport.compare(false)).isInstanceOf(TransportException.class).hasMessageContaining("authentication failed");
  }

  @Test
  void passwordFileReadableByOthersIsRefusedUpFront() throws Exception {
    Path f = Files.createTempFile("ls-pw", ".txt");
    track(() -> Files.deleteIfExists(f));
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> RsyncTransport.open(src, "rsync://u@127.0.0.1/m", TargetOptions.builder().passwordFile(f).build()))
        .isInstanceOf(LivesyncException.class)
        .hasMessageContaining("accessible by its group or others (mode 0644)")
        .hasMessageContaining("chmod 600 " + f);
  }

  @Test
  void daemonDownIsRetryAndConvergesWhenItIsBack() throws Exception {
    var t = track(TargetFixture.start(Kind.DAEMON, null));
    Trees.write(at(src, Bytes.of("f")), "x");
    var transport = t.transport(src);
    t.daemon.stop();
    TransferResult down = transport.send(List.of(Bytes.of("f")), false);
    assertThat(down.outcome()).as(down.message()).isEqualTo(Outcome.RETRY);
    assertThat(down.message()).contains("Connection refused");
    t.daemon.start();
    assertThat(transport.send(List.of(Bytes.of("f")), false).outcome()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(src, t.dir, Trees.Ignore.DIR_MTIMES);
  }

  @Test
  void daemonAtMaxConnectionsIsRetry() throws Exception {
    byte[] dir = Trees.tempDir("ls-maxconn");
    track(() -> Trees.delete(dir));
    var daemon = track(RsyncDaemon.builder(Trees.path(dir)).moduleOption("max connections", "1").start());
    Trees.write(at(src, Bytes.of("f")), "x");
    try (Socket hog = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
      OutputStream out = hog.getOutputStream();
      out.write(("@RSYNCD: 32.0 md5\n" + daemon.module() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var in = hog.getInputStream();
      String greeting = readLine(in);
      assertThat(greeting).startsWith("@RSYNCD:");
      assertThat(readLine(in)).isEqualTo("@RSYNCD: OK"); // the slot is taken now
      TransferResult r = RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()).send(List.of(Bytes.of("f")), false);
      assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.RETRY);
      assertThat(r.message()).contains("max connections");
    }
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    var sb = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) sb.append((char) c);
    return sb.toString();
  }

  @Test
  void sshWithAKeyTheServerDoesNotKnowIsFatalAndUnreachableIsRetry() throws Exception {
    var sshd = track(Sshd.start());
    byte[] keyDir = Trees.tempDir("ls-key");
    track(() -> Trees.delete(keyDir));
    Path stranger = Path.of(Bytes.latin1(keyDir), "stranger");
    Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()));
    byte[] dir = Trees.tempDir("ls-ssh");
    track(() -> Trees.delete(dir));
    Trees.write(at(src, Bytes.of("f")), "x");
    String url = "root@127.0.0.1:" + Bytes.latin1(dir);

    TransferResult denied;
    try (var t = RsyncTransport.open(src, url, TargetOptions.builder().ssh(stranger, sshd.port(), sshd.knownHostsFile()).build())) {
      denied = t.send(List.of(Bytes.of("f")), false);
    }
    assertThat(denied.outcome()).as(denied.message()).isEqualTo(Outcome.FATAL);
    assertThat(denied.message()).contains("Permission denied").contains("check ssh_key");

    int closed = FreePort.find();
    TransferResult unreachable;
    try (var t = RsyncTransport.open(src, url, TargetOptions.builder().ssh(sshd.clientKey(), closed, sshd.knownHostsFile()).build())) {
      unreachable = t.send(List.of(Bytes.of("f")), false);
    }
    assertThat(unreachable.outcome()).as(unreachable.message()).isEqualTo(Outcome.RETRY);
    assertThat(unreachable.message()).contains("connection refused on 127.0.0.1 port " + closed);
  }

  /** rsync's own "is your shell clean?" names neither the file nor the fix: ours says both. */
  @Test
  void aLoginShellThatPrintsIsFatalAndSaysWhy() throws Exception {
    var sshd = track(Sshd.start());
    sshd.loginShellRc("echo 'Welcome to the backup host'\n");
    byte[] dir = Trees.tempDir("ls-ssh");
    track(() -> Trees.delete(dir));
    Trees.write(at(src, Bytes.of("f")), "x");
    TransferResult r;
    try (var t = RsyncTransport.open(src, "root@127.0.0.1:" + Bytes.latin1(dir),
        TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), sshd.knownHostsFile()).build())) {
      r = t.send(List.of(Bytes.of("f")), false);
    }
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).contains("prints something before rsync starts", "~/.bashrc", "is your shell clean");
  }

  @Test
  void localTargetInsideItsSourceIsRefused() {
    assertThatThrownBy(() -> RsyncTransport.open(src, Bytes.latin1(src) + "/backup", TargetOptions.defaults()))
        .isInstanceOf(LivesyncException.class)
        .hasMessageContaining("is inside the source");
  }
}
