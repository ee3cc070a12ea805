package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config file others may write hands them what livesync replicates, where it deletes, and the
 * commands it runs as its user (root under the service): doctor warns, naming the mode and the fix.
 */
class DoctorConfigModeTest {
  @TempDir Path tmp;

  private String doctor(Path cfg) {
    return command(true, "doctor", "--config", cfg.toString());
  }

  /** What the command printed on standard output ({@code out}) or standard error. */
  private static String command(boolean out, String... args) {
    StringWriter o = new StringWriter(), e = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    cl.execute(args);
    return (out ? o : e).toString();
  }

  @Test
  void aConfigFileOthersMayWriteIsWarnedAboutAndAPrivateOneIsNot() throws Exception {
    Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(tmp.resolve("dst"));
    Path cfg = tmp.resolve("livesync.toml");
    Files.writeString(cfg, "state_dir = \"" + tmp.resolve("state") + "\"\nstatus_socket = \"" + tmp.resolve("s.sock") + "\"\n"
        + "[[sync]]\nsource = \"" + tmp.resolve("src") + "\"\nexec = \"logger batch\"\n  [[sync.target]]\n  url = \"" + tmp.resolve("dst") + "\"\n");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(doctor(cfg)).contains("WARN  config " + cfg.toRealPath() + ": is writable by its group or others (mode 0666): whoever can write it"
        + " chooses what livesync replicates, where to (deleting there), and the commands it runs (exec, [alert] exec) as uid ")
        .contains("run 'chmod go-w " + cfg.toRealPath() + "'");
    // run --check, which a user runs before a reload, says it too (and still checks the settings)
    assertThat(command(false, "run", "--check", "--config", cfg.toString()))
        .contains("livesync run: warning: config " + cfg + " is writable by its group or others (mode 0666)");

    Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(doctor(cfg)).doesNotContain("WARN  config ");
    assertThat(command(false, "run", "--check", "--config", cfg.toString())).doesNotContain("warning: config");
  }
}
