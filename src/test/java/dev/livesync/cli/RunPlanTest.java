package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.sync.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's per-target flags go to the targets they are for, so kinds can be mixed. */
class RunPlanTest {
  @TempDir Path tmp;

  private EngineSettings plan(String... args) {
    var cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return RunPlan.fromArgs(cmd);
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

  @Test
  void aDaemonAnSshAndALocalTargetShareOneCommandLine() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    EngineSettings s = plan(src.toString(), "rsync://backup@127.0.0.1:8873/mod", "backup@127.0.0.1:/srv/copy",
        tmp.resolve("local").toString(), "--password-file", passwordFile().toString(), "--ssh-key", key().toString(), "--ssh-port", "2222");
    assertThat(s.targets()).extracting(t -> t.describe())
        .containsExactly("rsync://backup@127.0.0.1:8873/mod", "backup@127.0.0.1:/srv/copy", tmp.resolve("local").toString());
  }

  @Test
  void aDaemonFlagWithoutADaemonTargetIsAnError() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    assertThatThrownBy(() -> plan(src.toString(), tmp.resolve("local").toString(), "--password-file", passwordFile().toString()))
        .isInstanceOf(LivesyncException.class).hasMessageContaining("--password-file is for rsync daemon targets");
    assertThatThrownBy(() -> plan(src.toString(), tmp.resolve("local").toString(), "--ssh-key", key().toString()))
        .isInstanceOf(LivesyncException.class).hasMessageContaining("are for ssh targets");
  }

  @Test
  void batchLimitsComeFromTheirFlagsAndBadValuesNameTheFlag() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    String dst = tmp.resolve("local").toString();
    EngineSettings s = plan(src.toString(), dst, "--batch-max-files", "5000", "--batch-max-bytes", "256MiB");
    assertThat(s.maxPaths()).isEqualTo(5000);
    assertThat(s.maxBytes()).isEqualTo(256L << 20);
    EngineSettings d = plan(src.toString(), dst);
    assertThat(d.maxPaths()).isEqualTo(EngineSettings.DEFAULT_BATCH_MAX_FILES);
    assertThat(d.maxBytes()).isEqualTo(EngineSettings.DEFAULT_BATCH_MAX_BYTES);
    assertThatThrownBy(() -> plan(src.toString(), dst, "--batch-max-bytes", "lots"))
        .isInstanceOf(LivesyncException.class).hasMessageContaining("--batch-max-bytes lots: expected a size");
    assertThatThrownBy(() -> plan(src.toString(), dst, "--batch-max-files", "0"))
        .isInstanceOf(LivesyncException.class).hasMessageContaining("--batch-max-files must be at least 1");
  }
}
