package dev.livesync.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code doctor} on an ssh target (a real sshd on loopback) says what one more session costs, which
 * every rsync run pays, and warns when the remote login shell's startup files make it slow; when
 * they print, what they print.
 */
class TargetProbeSshTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  static final Pattern WAITS = Pattern.compile("every rsync run waits (\\d+\\.\\d\\d) s for the remote login shell's startup files");
  final Path work = TempFiles.dir("probe-ssh");

  @AfterEach
  void cleanUp() {
    SSHD.get().loginShellRc("");
    TempFiles.deleteTree(work);
  }

  private Check probe() throws Exception {
    return probe(SSHD.get().port(), SSHD.get().knownHostsFile());
  }

  private Check probe(int port, Path knownHosts) throws Exception {
    var sshd = SSHD.get();
    Path target = java.nio.file.Files.createDirectories(work.resolve("dst"));
    var options = TargetOptions.builder().ssh(sshd.clientKey(), port, knownHosts).build();
    Path src = java.nio.file.Files.createDirectories(work.resolve("src"));
    return new TargetProbe(dev.livesync.fs.Bytes.of(src.toString()), TargetSpec.of("root@127.0.0.1:" + target, options)).get();
  }

  @Test
  void aLoginShellThatReadsNothingSlowIsFine() throws Exception {
    Check c = probe();
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.OK);
    assertThat(c.detail()).matches("reachable, ssh login works \\(dry run, nothing changed\\); an rsync run's session opens in \\d+\\.\\d\\d s");
  }

  /**
   * A remote directory that does not exist (a typo in the path): the login works, but doctor says the
   * directory is not there, and creates nothing.
   */
  @Test
  void aRemoteDirectoryThatDoesNotExistIsAWarning() throws Exception {
    var sshd = SSHD.get();
    Path missing = work.resolve("dts");
    var options = TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), sshd.knownHostsFile()).build();
    Path src = java.nio.file.Files.createDirectories(work.resolve("src"));
    Check c = new TargetProbe(dev.livesync.fs.Bytes.of(src.toString()), TargetSpec.of("root@127.0.0.1:" + missing, options)).get();
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.WARN);
    assertThat(c.detail()).startsWith("reachable, ssh login works (dry run, nothing changed)")
        .endsWith("; but the directory " + missing + " does not exist there yet (the first sync makes it; check the path)");
    assertThat(missing).doesNotExist();
  }

  /** The host key regenerated: which known_hosts line is in the way and how to remove it, not "login refused", no key-login advice. */
  @Test
  void aChangedHostKeyFailsWithTheLineToRemove() throws Exception {
    Path other = work.resolve("other_host");
    dev.livesync.testing.Processes.run(java.util.List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()));
    String[] pub = dev.livesync.testing.TempFiles.readOrEmpty(Path.of(other + ".pub")).trim().split(" ");
    Path knownHosts = work.resolve("known_hosts");
    String host = "[127.0.0.1]:" + SSHD.get().port();
    dev.livesync.testing.TempFiles.write(knownHosts, host + " " + pub[0] + " " + pub[1] + "\n");
    Check c = probe(SSHD.get().port(), knownHosts);
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).isEqualTo("host key of " + host + " changed (known_hosts " + knownHosts + ":1): if that is intended, remove the old one: "
        + "ssh-keygen -R '" + host + "' -f " + knownHosts);
  }

  @Test
  void aClosedPortSaysTheConnectionWasRefusedNotToCheckKeyLogin() throws Exception {
    int closed = dev.livesync.testing.FreePort.find();
    Check c = probe(closed, SSHD.get().knownHostsFile());
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).contains("connection refused on 127.0.0.1 port " + closed + ": is sshd running there, and is ssh_port right?")
        .doesNotContain("key login", "\n");
  }

  @Test
  void aStartupFileThatPrintsFailsWithWhatItPrints() throws Exception {
    SSHD.get().loginShellRc("echo 'Welcome to the backup host'\n");
    Check c = probe();
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).contains("prints something before rsync starts", "for every command it prints: Welcome to the backup host");
  }

  @Test
  void aSlowStartupFileWarnsWithWhatItCostsAndWhatToDo() throws Exception {
    SSHD.get().loginShellRc("sleep 0.4\n");
    Check c = probe();
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.WARN);
    Matcher m = WAITS.matcher(c.detail());
    assertThat(m.find()).as(c.line()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(c.line()).isGreaterThanOrEqualTo(0.39);
    assertThat(c.detail()).contains("reachable, ssh login works", "its session opens in", "~/.bashrc", "daemon target");
  }
}
