package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.fs.Bytes;
import dev.livesync.settings.SettingException;
import dev.livesync.testing.Processes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An ssh key that ssh in batch mode will not use — readable by others (ssh ignores it), a public key
 * given for the private one, one that needs a passphrase — is refused before any login, saying so.
 * Before, each passed the start-up check and every run failed with "Permission denied (publickey)
 * (... check that the key is in the user's authorized_keys there)", although it was.
 */
class SshKeyFileTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final byte[] src = Trees.tempDir("ls-key-src");
  private final Path work = TempFiles.dir("ls-key");

  @AfterEach
  void tearDown() {
    Trees.delete(src);
    TempFiles.deleteTree(work);
  }

  private String url() throws Exception {
    return "root@127.0.0.1:" + Files.createDirectories(work.resolve("dst"));
  }

  /** Opens a transport with this key (and the test sshd's port and known_hosts) and sends one file. */
  private TransferResult sendWith(Path key) throws Exception {
    var sshd = SSHD.get();
    Trees.write(at(src, Bytes.of("f")), "x");
    try (var t = RsyncTransport.open(src, url(), TargetOptions.builder().ssh(key, sshd.port(), sshd.knownHostsFile()).build())) {
      return t.send(List.of(Bytes.of("f")), false);
    }
  }

  private void assertRefusedBeforeAnyLogin(Path key, String words) {
    var sshd = SSHD.get();
    int logins = sshd.logins();
    assertThatThrownBy(() -> sendWith(key)).isInstanceOf(SettingException.class).hasMessage("ssh_key: " + words);
    assertThat(sshd.logins()).isEqualTo(logins);
    assertThat(Files.exists(work.resolve("dst/f"))).isFalse();
  }

  /** A copy of the test sshd's authorized client key, with this mode. */
  private Path copyOfTheKey(String mode) throws Exception {
    Path key = work.resolve("id_copy");
    Files.copy(SSHD.get().clientKey(), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
    return key;
  }

  @Test
  void theAuthorizedKeyWithMode0600Works() throws Exception {
    TransferResult r = sendWith(copyOfTheKey("rw-------"));
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
  }

  @Test
  void theAuthorizedKeyReadableByOthersIsRefusedWithTheChmodToRun() throws Exception {
    Path key = copyOfTheKey("rw-r--r--");
    assertRefusedBeforeAnyLogin(key,
        "is accessible by its group or others (mode 0644), and ssh ignores such a private key: run 'chmod 600 " + key + "'");
  }

  @Test
  void aPublicKeyGivenForThePrivateOneIsRefused() throws Exception {
    Path pub = work.resolve("id.pub");
    Files.copy(Path.of(SSHD.get().clientKey() + ".pub"), pub);
    Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-------"));
    assertRefusedBeforeAnyLogin(pub, "is a public key: give the private key (the file without .pub)");
  }

  @Test
  void aKeyThatNeedsAPassphraseIsRefusedWhenNoAgentCouldHoldIt() throws Exception {
    Assumptions.assumeTrue(System.getenv("SSH_AUTH_SOCK") == null, "an ssh-agent is named by SSH_AUTH_SOCK: it may hold the key");
    Path key = work.resolve("id_pass");
    Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", key.toString()));
    assertRefusedBeforeAnyLogin(key, "needs a passphrase, which ssh cannot ask for here (livesync runs it in batch mode, and no ssh-agent"
        + " is named by SSH_AUTH_SOCK): use a key without a passphrase (ssh-keygen -p -N '' -f " + key + ")");
  }
}
