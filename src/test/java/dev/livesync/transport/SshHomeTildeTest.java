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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code host:~/dir} is {@code dir} in the login's home, as with {@code rsync -a src host:~/dir}
 * (whose remote shell expands the {@code ~}). livesync's runs send the path inside rsync's protocol
 * ({@code -s}), where nothing expands it: the copy went to {@code ~/~/dir}, a directory named
 * {@code ~} in the home. Against a real sshd, whose sessions start in root's home.
 */
class SshHomeTildeTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final byte[] src = Trees.tempDir("ls-tilde-src");
  /** root's home, where sshd starts a session (the test runs as root, as sshd's login does). */
  private final Path home = Path.of(System.getProperty("user.home"));
  private final String name = "livesync-tilde-test-" + UUID.randomUUID();
  private final boolean tildeDirBefore = Files.exists(home.resolve("~"));

  @AfterEach
  void tearDown() throws Exception {
    Trees.delete(src);
    TempFiles.deleteTree(home.resolve(name));
    TempFiles.deleteTree(home.resolve("~").resolve(name)); // where the code before put it
    if (!tildeDirBefore) Files.deleteIfExists(home.resolve("~"));
  }

  private TransferResult sendOneTo(String url) throws Exception {
    var sshd = SSHD.get();
    Trees.write(at(src, Bytes.of("f")), "x");
    try (var t = RsyncTransport.open(src, url, TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), sshd.knownHostsFile()).build())) {
      return t.send(List.of(Bytes.of("f")), false);
    }
  }

  @Test
  void aTargetUnderTildeSlashLandsInTheLoginsHome() throws Exception {
    TransferResult r = sendOneTo("root@127.0.0.1:~/" + name);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    assertThat(home.resolve(name).resolve("f")).hasContent("x");
    assertThat(home.resolve("~").resolve(name)).doesNotExist();
  }

  @Test
  void tildeAloneAndRepeatedSlashesAreTheHomeToo() {
    assertThat(Target.parse("root@backup:~")).isEqualTo(new Target.Ssh("root", "backup", "."));
    assertThat(Target.parse("root@backup:~//copy")).isEqualTo(new Target.Ssh("root", "backup", "copy"));
    assertThat(Target.parse("root@backup:dir/~x")).isEqualTo(new Target.Ssh("root", "backup", "dir/~x"));
  }

  @Test
  void anotherUsersTildeIsRefusedWithWhatToWrite() {
    assertThatThrownBy(() -> Target.parse("root@backup:~backup/copy"))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("'~backup' is not expanded here")
        .hasMessageContaining("write the absolute path");
  }
}
