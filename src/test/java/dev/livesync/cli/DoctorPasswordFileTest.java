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
 * A daemon target's password file that holds the daemon's secrets line ({@code bk:secret}): one FAIL,
 * the target's, and no OK line for the same file beside it. A good file still gets its OK line.
 */
class DoctorPasswordFileTest {
  @TempDir Path tmp;

  private String doctor(Path pw) throws Exception {
    Path cfg = tmp.resolve("livesync.toml");
    Files.writeString(cfg, "state_dir = \"" + tmp.resolve("state") + "\"\nstatus_socket = \"" + tmp.resolve("s.sock") + "\"\n"
        + "[[sync]]\nsource = \"" + tmp.resolve("src") + "\"\n  [[sync.target]]\n  url = \"rsync://bk@127.0.0.1:1/m\"\n"
        + "  password_file = \"" + pw + "\"\n");
    StringWriter o = new StringWriter(), e = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    cl.execute("doctor", "--config", cfg.toString());
    return o.toString();
  }

  @Test
  void aPasswordFileInTheSecretsFormIsOneFailNotAnOkBesideIt() throws Exception {
    Files.createDirectories(tmp.resolve("src"));
    Path pw = Files.writeString(tmp.resolve("secrets.password"), "bk:secret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    String out = doctor(pw);
    assertThat(out).as(out).contains("FAIL  target rsync://bk@127.0.0.1:1/m: password_file: holds 'bk:...' on its first line")
        .doesNotContain("password file " + pw);
    assertThat(out.lines().filter(l -> l.contains("holds 'bk:...'")).count()).as(out).isEqualTo(1);

    Files.writeString(pw, "secret\n");
    assertThat(doctor(pw)).contains("OK    password file " + pw + ": mode 0600, owned by this user");
  }

  /** A password file of mode 0644 was one FAIL for the file and the same words again as the target's FAIL. */
  @Test
  void aPasswordFileReadableByOthersIsSaidOnce() throws Exception {
    Files.createDirectories(tmp.resolve("src"));
    Path pw = Files.writeString(tmp.resolve("rsync.password"), "secret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
    String out = doctor(pw);
    assertThat(out).as(out).contains("FAIL  password file " + pw + ": is accessible by its group or others (mode 0644)")
        .contains("WARN  target rsync://bk@127.0.0.1:1/m: not tried: its password file " + pw + " is refused");
    assertThat(out.lines().filter(l -> l.contains("mode 0644")).count()).as(out).isEqualTo(1);
  }
}
