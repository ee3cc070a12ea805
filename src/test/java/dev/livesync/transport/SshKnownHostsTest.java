package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.fs.Bytes;
import dev.livesync.settings.SettingException;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A known_hosts file ssh cannot write: with {@code StrictHostKeyChecking=accept-new} ssh then warns
 * that it failed to add the host and goes on, so every login accepts whatever key the host shows —
 * a changed key is never noticed. Against a real sshd: such a file is refused before any login when
 * ssh would have to make it, and used strictly (only the keys it holds) when it exists read-only.
 */
class SshKnownHostsTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final byte[] src = Trees.tempDir("ls-kh-src");
  private final Path work = TempFiles.dir("ls-kh");
  private Path immutable;

  @AfterEach
  void tearDown() throws Exception {
    if (immutable != null) new ProcessBuilder("chattr", "-i", immutable.toString()).inheritIO().start().waitFor();
    Trees.delete(src);
    TempFiles.deleteTree(work);
  }

  private String url() throws Exception {
    return "root@127.0.0.1:" + Files.createDirectories(work.resolve("dst"));
  }

  private TransferResult sendOne(TargetOptions options) throws Exception {
    Trees.write(at(src, Bytes.of("f")), "x");
    try (var t = RsyncTransport.open(src, url(), options)) {
      return t.send(List.of(Bytes.of("f")), false);
    }
  }

  @Test
  void aKnownHostsFileInADirectoryThatDoesNotExistIsRefusedBeforeAnyLogin() throws Exception {
    var sshd = SSHD.get();
    Path knownHosts = work.resolve("no-such-dir/known_hosts");
    var options = TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), knownHosts).build();
    int logins = sshd.logins();
    Trees.write(at(src, Bytes.of("f")), "x");
    assertThatThrownBy(() -> RsyncTransport.open(src, url(), options).close())
        .isInstanceOf(SettingException.class)
        .hasMessageStartingWith("known_hosts: does not exist")
        .hasMessageContaining("its directory " + knownHosts.getParent() + " does not exist")
        .hasMessageContaining("would accept whatever key the host shows");
    assertThat(sshd.logins()).isEqualTo(logins);
    assertThat(Files.exists(work.resolve("dst/f"))).isFalse();
  }

  @Test
  void aKnownHostsFileSshCannotWriteTrustsOnlyTheKeysItHolds() throws Exception {
    var sshd = SSHD.get();
    Path knownHosts = Files.createFile(work.resolve("known_hosts"));
    makeImmutable(knownHosts);
    var options = TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), knownHosts).build();

    // the host is not in it, and ssh could not add it: not trusted (before, it was trusted at every login)
    TransferResult unknown = sendOne(options);
    assertThat(unknown.outcome()).as(unknown.message()).isEqualTo(Outcome.FATAL);
    assertThat(unknown.message()).contains("host key of [127.0.0.1]:" + sshd.port() + " not verified");
    assertThat(Files.exists(work.resolve("dst/f"))).isFalse();

    // a read-only known_hosts that holds the host's key is a pinned one: it works
    new ProcessBuilder("chattr", "-i", knownHosts.toString()).inheritIO().start().waitFor();
    Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
    makeImmutable(knownHosts);
    TransferResult pinned = sendOne(options);
    assertThat(pinned.outcome()).as(pinned.message()).isEqualTo(Outcome.OK);
    assertThat(Files.readString(work.resolve("dst/f"))).isEqualTo("x");
  }

  @Test
  void withoutAKnownHostsFileAUserWithoutAHomeTrustsNoNewHost() throws Exception {
    var sshd = SSHD.get();
    Path key = work.resolve("nobody-key");
    Files.copy(sshd.clientKey(), key);
    var options = TargetOptions.builder().ssh(key, sshd.port(), null).build();
    Path home = Files.createDirectories(work.resolve("home"));
    // a home where ssh can make ~/.ssh/known_hosts: a new host is trusted once, as before
    assertThat(SshCommand.argv(options, home)).contains("StrictHostKeyChecking=accept-new");
    // nobody's home (/nonexistent): ssh cannot record a host's key, and with accept-new would trust any key at every login
    List<String> argv = SshCommand.argv(options, Path.of("/nonexistent"));
    assertThat(argv).contains("StrictHostKeyChecking=yes").doesNotContain("StrictHostKeyChecking=accept-new");

    // what ssh does with those words, run as nobody against the real sshd: it refuses the unknown host
    Assumptions.assumeTrue(dev.livesync.settings.Dirs.isRoot(), "needs root to become nobody");
    Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(key, "unix:uid", 65534);
    var cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    cmd.addAll(argv);
    cmd.addAll(List.of("root@127.0.0.1", "echo", "LOGGED-IN"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isNotZero();
    assertThat(out).contains("Host key verification failed").doesNotContain("LOGGED-IN");
  }

  /** chattr +i: not writable even by root (the tests run as root, for whom a mode says nothing). */
  private void makeImmutable(Path file) throws Exception {
    int rc = new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start().waitFor();
    Assumptions.assumeTrue(rc == 0, "chattr +i is not supported on " + file);
    immutable = file;
    Assumptions.assumeFalse(Files.isWritable(file), "an immutable file still reads as writable here");
  }
}
