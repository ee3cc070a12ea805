package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.settings.SettingException;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run's SOURCE TARGET... and flags become one {@link EngineSettings}; per-target flags go to the targets they are for. */
class SyncFlagsTest {
  @TempDir Path tmp;

  private EngineSettings plan(String... args) {
    var cl = Main.commandLine();
    String[] all = new String[args.length + 1];
    all[0] = "run";
    System.arraycopy(args, 0, all, 1, args.length);
    cl.parseArgs(all);
    RunCommand cmd = cl.getSubcommands().get("run").getCommand();
    return cmd.sync.syncs(null, true).getFirst();
  }

  private Path passwordFile() throws Exception {
    Path f = tmp.resolve("rsync.password");
    Files.writeString(f, "secret\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private Path key() throws Exception {
    return Files.writeString(tmp.resolve("id_test"), "not really a key\n");
  }

  /** A share of a small tree says little, so it holds nothing up to 100 paths: the help says so, and what guards a small tree. */
  @Test
  void theMaxDeleteHelpSaysAShareNeverHoldsAHundredPathsOrFewer() {
    String help = Main.commandLine().getSubcommands().get("run").getUsageMessage().replaceAll("\\s+", " ");
    assertThat(help).contains("A share never holds 100 paths or fewer: a tree of up to 100 files can be emptied while running without a hold; "
        + "to guard a small tree, give a number (e.g. 20). A full sync that would leave nothing on the target (an empty or mistyped source) "
        + "is held whatever the count.");
  }

  @Test
  void aDaemonAnSshAndALocalTargetShareOneCommandLine() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    EngineSettings s = plan(src.toString(), "rsync://backup@127.0.0.1:8873/mod", "backup@127.0.0.1:/srv/copy",
        tmp.resolve("local").toString(), "--password-file", passwordFile().toString(), "--ssh-key", key().toString(), "--ssh-port", "2222");
    assertThat(s.targets()).extracting(TargetSpec::describe)
        .containsExactly("rsync://backup@127.0.0.1:8873/mod", "backup@127.0.0.1:/srv/copy", tmp.resolve("local").toString());
    assertThat(s.targets().get(0).options().passwordFile()).isNotNull();
    assertThat(s.targets().get(0).options().sshKey()).isNull();
    assertThat(s.targets().get(1).options().sshPort()).isEqualTo(2222);
    assertThat(s.targets().get(1).options().passwordFile()).isNull();
    assertThat(s.targets().get(2).options().sshPort()).isZero();
  }

  @Test
  void aFlagForAKindOfTargetNotGivenIsRefusedAsTheConfigRefusesIt() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    assertThatThrownBy(() -> plan(src.toString(), tmp.resolve("local").toString(), "--password-file", passwordFile().toString()))
        .isInstanceOf(SettingException.class).hasMessageContaining("only rsync daemon targets (rsync://... or host::module) use a password file");
    assertThatThrownBy(() -> plan(src.toString(), tmp.resolve("local").toString(), "host::mod", "--ssh-key", key().toString()))
        .isInstanceOf(SettingException.class).hasMessageContaining("only ssh targets ([user@]host:/path) use it");
  }

  @Test
  void defaultsComeFromTheSettingsKeys() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    EngineSettings d = plan(src.toString(), tmp.resolve("local").toString(), "--state-dir", tmp.resolve("state").toString());
    assertThat(d.maxPaths()).isEqualTo(EngineSettings.DEFAULT_BATCH_MAX_FILES);
    assertThat(d.maxBytes()).isEqualTo(EngineSettings.DEFAULT_BATCH_MAX_BYTES);
    assertThat(d.delay()).isEqualTo(EngineSettings.DEFAULT_DELAY);
    assertThat(d.retryCap()).isEqualTo(EngineSettings.DEFAULT_RETRY_MAX);
    assertThat(d.targets().getFirst().options().timeoutSeconds()).isEqualTo(120);
    assertThat(d.name()).isEqualTo(EngineSettings.defaultName(dev.livesync.fs.Bytes.of(src.toString())));
    assertThat(d.stateDir()).isEqualTo(tmp.resolve("state").resolve(d.name()));
    EngineSettings s = plan(src.toString(), tmp.resolve("local").toString(), "--batch-max-files", "5000", "--batch-max-bytes", "256MiB",
        "--timeout", "30s", "--retry-initial", "2m");
    assertThat(s.maxPaths()).isEqualTo(5000);
    assertThat(s.maxBytes()).isEqualTo(256L << 20);
    assertThat(s.targets().getFirst().options().timeoutSeconds()).isEqualTo(30);
    assertThat(s.retryCap()).as("--retry-max unset: at least --retry-initial").isEqualTo(java.time.Duration.ofMinutes(2));
  }
}
