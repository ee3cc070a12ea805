package dev.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.fs.Bytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FixturesTest {
  private final List<byte[]> dirs = new ArrayList<>();

  private byte[] dir(String prefix) {
    byte[] d = Trees.tempDir(prefix);
    dirs.add(d);
    return d;
  }

  @AfterEach
  void cleanup() {
    dirs.forEach(Trees::delete);
  }

  private byte[] hostileTree() {
    byte[] src = dir("fx-src");
    for (byte[] name : Trees.hostileNames()) {
      Trees.write(Bytes.child(src, name), Bytes.concat(Bytes.of("content of "), name));
      Trees.mkdirs(Bytes.child(Bytes.child(src, Bytes.of("dirs")), name));
    }
    Trees.write(Bytes.child(src, Trees.deepPath(60)), "deep");
    Trees.symlink(Bytes.child(src, Bytes.of("link")), Trees.hostileNames().get(4));
    Trees.chmod(Bytes.child(src, Trees.hostileNames().get(0)), 0604);
    return src;
  }

  @Test
  void rawBytePathsRoundTrip() {
    byte[] d = dir("fx-raw");
    for (byte[] name : Trees.hostileNames()) {
      byte[] p = Bytes.child(d, name);
      assertThat(Trees.bytes(Trees.path(p))).isEqualTo(p);
      Trees.write(p, name);
    }
    assertThat(Trees.list(d)).hasSameSizeAs(Trees.hostileNames());
    for (byte[] name : Trees.list(d)) assertThat(Trees.read(Bytes.child(d, name))).isEqualTo(name);
  }

  @Test
  void differencesNameWhatDiffers() {
    byte[] a = dir("fx-a");
    byte[] b = dir("fx-b");
    byte[] gbk = Trees.hostileNames().get(Trees.hostileNames().size() - 6);
    Trees.write(Bytes.child(a, gbk), "one");
    Trees.write(Bytes.child(b, gbk), "two");
    Trees.write(Bytes.child(a, Bytes.of("only-a")), "x");
    Trees.write(Bytes.child(b, Bytes.of("only-b")), "x");
    Trees.write(Bytes.child(a, Bytes.of("m")), "x");
    Trees.write(Bytes.child(b, Bytes.of("m")), "x");
    Trees.chmod(Bytes.child(a, Bytes.of("m")), 0600);
    Trees.chmod(Bytes.child(b, Bytes.of("m")), 0644);
    Trees.setMtime(Bytes.child(a, gbk), 1_000_000);
    Trees.setMtime(Bytes.child(b, gbk), 1_000_000);
    Trees.symlink(Bytes.child(a, Bytes.of("l")), Bytes.of("t1"));
    Trees.symlink(Bytes.child(b, Bytes.of("l")), Bytes.of("t2"));
    assertThat(Trees.differences(a, b, Trees.Ignore.MTIMES)).containsExactlyInAnyOrder(
        "content differs: gbk-\\xb9\\xfa.txt: 3 vs 3 bytes",
        "missing in second: only-a (file, 1 bytes)",
        "extra in second: only-b (file, 1 bytes)",
        "mode differs: m: 600 vs 644",
        "symlink target differs: l: t1 vs t2");
    assertThatThrownBy(() -> Trees.assertSameTree(a, b)).isInstanceOf(AssertionError.class).hasMessageContaining("only-a");
  }

  @Test
  void rsyncDaemonWithAuthAcceptsRightPasswordRefusesWrongAndRestartsOnSamePort() throws Exception {
    byte[] src = hostileTree();
    byte[] dst = dir("fx-dst");
    try (var d = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "s3cret pw").start()) {
      Processes.run(List.of("rsync", "-a", "--password-file=" + d.passwordFile(), Trees.path(src) + "/", d.url() + "/"));
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);

      Path wrong = Path.of(Trees.path(dir("fx-pw")).toString(), "wrong");
      TempFiles.privateFile(wrong, "nope\n");
      var p = new ProcessBuilder("rsync", "-a", "--password-file=" + wrong, Trees.path(src) + "/", d.url() + "/")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(out).isEqualTo(5);
      assertThat(out).contains("auth failed");

      int port = d.port();
      d.stop();
      assertThat(FreePort.accepts(port)).isFalse();
      d.start();
      assertThat(d.port()).isEqualTo(port);
      assertThat(FreePort.accepts(port)).isTrue();
    }
  }

  @Test
  void sshdLetsRootInWithTheClientKeyAndCarriesRsync() throws Exception {
    byte[] src = hostileTree();
    byte[] dst = dir("fx-ssh-dst");
    try (var sshd = Sshd.start()) {
      var cmd = sshd.sshCommand();
      cmd.add("echo ok");
      assertThat(Processes.run(cmd)).contains("ok");
      String e = String.join(" ", new ArrayList<>(List.of("ssh")) {{ addAll(sshd.sshOptions()); }});
      Processes.run(List.of("rsync", "-a", "-s", "-e", e, Trees.path(src) + "/", "root@127.0.0.1:" + Trees.path(dst) + "/"));
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    }
  }
}
