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
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    cl.execute("doctor", "--config", cfg.toString());
    return out.toString();
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

    Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(doctor(cfg)).doesNotContain("WARN  config ");
  }
}
