package dev.livesync.cli;

import static dev.livesync.cli.CliRun.inProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.Exit;
import dev.livesync.cli.CliRun.Result;
import dev.livesync.settings.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One password-file rule for run, its config file, doctor and serve: as root, a 0600 file owned by
 * another user is refused by all four in the same words (doctor once said OK to what run refused; rsync
 * itself refuses it when run as root).
 */
class PasswordFileRuleTest {
  static final int OTHER_UID = 1000;
  static final String WORDS = "belongs to uid " + OTHER_UID + ", not to the user running livesync (uid 0); "
      + "rsync refuses a password file not owned by root when run as root";

  @TempDir Path tmp;

  @Test
  void aFileOwnedByAnotherUserIsRefusedByRunTheConfigDoctorAndServe() throws Exception {
    assumeTrue(Dirs.isRoot(), "needs root to give the file to another user");
    Path pw = Files.writeString(tmp.resolve("rsync.password"), "s3cret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Files.setAttribute(pw, "unix:uid", OTHER_UID);
    Path src = Files.createDirectories(tmp.resolve("src")), module = Files.createDirectories(tmp.resolve("module"));
    String target = "rsync://u@127.0.0.1:1/m", state = tmp.resolve("state").toString(), socket = tmp.resolve("s.sock").toString();

    Result run = inProcess("run", "--check", src.toString(), target, "--password-file", pw.toString(), "--state-dir", state,
        "--status-socket", socket);
    assertThat(run.code()).as(run.err()).isEqualTo(Exit.USAGE);
    assertThat(run.err()).startsWith("livesync run: --password-file " + pw + ": " + WORDS);

    Path cfg = Files.writeString(tmp.resolve("livesync.toml"), """
        [[sync]]
        source = "%s"
          [[sync.target]]
          url = "%s"
          password_file = "%s"
        """.formatted(src, target, pw));
    Result config = inProcess("run", "--check", "--config", cfg.toString(), "--state-dir", state, "--status-socket", socket);
    assertThat(config.code()).as(config.err()).isEqualTo(78);
    assertThat(config.err()).startsWith("livesync run: " + cfg + ":").contains("sync[0].target[0].password_file: " + WORDS);

    Result doctor = inProcess("doctor", src.toString(), target, "--password-file", pw.toString(), "--state-dir", state);
    assertThat(doctor.code()).as(doctor.out()).isEqualTo(Exit.FAILED);
    assertThat(doctor.out()).contains("FAIL  password file " + pw + ": " + WORDS).doesNotContain("OK    password file");

    Result serve = inProcess("serve", "--module", "m", "--path", module.toString(), "--user", "u", "--password-file", pw.toString(),
        "--address", "127.0.0.1", "--port", "8873", "--print-config");
    assertThat(serve.code()).as(serve.err()).isEqualTo(Exit.USAGE);
    assertThat(serve.err()).contains("livesync serve: module 'm': password file " + pw + " " + WORDS);
  }
}
