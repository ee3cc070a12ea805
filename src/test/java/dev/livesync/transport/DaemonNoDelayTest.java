package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every rsync run to a daemon sets {@code TCP_NODELAY} on its socket: without it each run waited
 * about 80 ms in the protocol's turns (Nagle holding the client's second small write until the
 * daemon's delayed ACK). The runs are recorded by a wrapper that then runs the real rsync against a
 * real daemon; a user's own {@code --sockopts} comes after ours, so it is the one rsync keeps.
 */
class DaemonNoDelayTest {
  final byte[] src = Trees.tempDir("nodelay-src");
  final byte[] dst = Trees.tempDir("nodelay-dst");
  final Path wrapper = Path.of(Bytes.latin1(src) + "-rsync");
  final Path runs = Path.of(Bytes.latin1(src) + "-runs");

  @AfterEach
  void cleanUp() throws Exception {
    Trees.delete(src);
    Trees.delete(dst);
    Files.deleteIfExists(wrapper);
    Files.deleteIfExists(runs);
  }

  /** Options whose rsync is a wrapper that writes each run's arguments as a line of {@code runs}. */
  private TargetOptions.Builder recorded() throws Exception {
    Files.writeString(wrapper, "#!/bin/sh\necho \"$*\" >>'" + runs + "'\nexec rsync \"$@\"\n");
    Trees.chmod(Bytes.of(wrapper.toString()), 0755);
    return TargetOptions.builder().rsyncCommand(List.of(wrapper.toString()));
  }

  @Test
  void everyRunToADaemonSetsNoDelay() throws Exception {
    Trees.write(at(src, "d/a.txt"), "a");
    Trees.write(at(src, "b.txt"), "b");
    try (var daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "secret").start();
        var t = RsyncTransport.open(src, daemon.url(), recorded().passwordFile(daemon.passwordFile()).build())) {
      assertThat(t.fullSync(true).outcome()).isEqualTo(Outcome.OK);
      Trees.write(at(src, "d/c.txt"), "c");
      assertThat(t.send(List.of(Bytes.of("d/c.txt")), false).outcome()).isEqualTo(Outcome.OK);
      Trees.delete(at(src, "b.txt"));
      t.sendDeletions(List.of(Bytes.of("b.txt")), false);
      assertThat(t.send(List.of(Bytes.of("b.txt")), false).outcome()).isEqualTo(Outcome.OK);
      assertThat(t.compare(false).isEmpty()).as("the target equals the source").isTrue();
    }
    assertThat(Trees.read(at(dst, "d/c.txt"))).isEqualTo(Bytes.of("c"));
    assertThat(Trees.exists(at(dst, "b.txt"))).isFalse();
    List<String> lines = Files.readAllLines(runs);
    assertThat(lines).as("full sync, dry runs, sends, the comparison").hasSizeGreaterThanOrEqualTo(4);
    assertThat(lines).allSatisfy(l -> assertThat(l).contains(" " + DaemonKind.NODELAY + " "));
  }

  @Test
  void aUsersSockoptsComesAfterOurs() throws Exception {
    Trees.write(at(src, "f.txt"), "f");
    try (var daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "secret").start();
        var t = RsyncTransport.open(src, daemon.url(), recorded().passwordFile(daemon.passwordFile()).extraArgs(List.of("--sockopts=SO_KEEPALIVE")).build())) {
      assertThat(t.send(List.of(Bytes.of("f.txt")), false).outcome()).isEqualTo(Outcome.OK);
    }
    String line = Files.readAllLines(runs).getFirst();
    assertThat(line).contains(DaemonKind.NODELAY);
    assertThat(line.indexOf("--sockopts=SO_KEEPALIVE")).isGreaterThan(line.indexOf(DaemonKind.NODELAY));
    assertThat(Trees.read(at(dst, "f.txt"))).isEqualTo(Bytes.of("f"));
  }

  /** A local target has no socket: nothing added there. */
  @Test
  void aLocalTargetHasNone() throws Exception {
    Trees.write(at(src, "f.txt"), "f");
    try (var t = RsyncTransport.open(src, Bytes.latin1(dst), recorded().build())) {
      assertThat(t.send(List.of(Bytes.of("f.txt")), false).outcome()).isEqualTo(Outcome.OK);
    }
    assertThat(Files.readAllLines(runs)).allSatisfy(l -> assertThat(l).doesNotContain("--sockopts"));
  }
}
