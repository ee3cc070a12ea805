package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.settings.Dirs;
import dev.livesync.testing.Await;
import dev.livesync.testing.Processes;
import dev.livesync.testing.TempFiles;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * As a user that is not root (nobody, through setpriv), {@code run} keeps its journal in
 * ~/.local/state/livesync — not /var/lib/livesync — and {@code doctor} checks that same directory.
 * The classes and libraries are copied where nobody can read them (a build under /root is not).
 */
class NonRootStateDirTest {
  static final int NOBODY = 65534;
  final Path work = TempFiles.dir("nonroot-test");
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    started.forEach(Processes::killTree);
    TempFiles.deleteTree(work);
  }

  @Test
  void runAndDoctorUseTheUsersOwnStateDir() throws Exception {
    assumeTrue(Dirs.isRoot() && MessagesTest.canRun(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups")),
        "needs root to become nobody");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    String cp = readableClassPath();
    Path home = mine(work.resolve("home")), src = mine(work.resolve("src")), dst = mine(work.resolve("dst"));
    Files.writeString(src.resolve("f"), "f");
    Files.setAttribute(src.resolve("f"), "unix:uid", NOBODY);
    Path state = home.resolve(".local/state/livesync");

    Process doctor = asNobody(cp, home, "doctor", src.toString(), dst.toString());
    String out = output(doctor);
    assertThat(out).contains("state dir " + state + ": will be created").doesNotContain("/var/lib/livesync");

    Process run = asNobody(cp, home, "run", src.toString(), dst.toString(), "--name", "www",
        "--status-socket", home.resolve("s.sock").toString(), "--delay", "50ms");
    Await.until("f at the target", Await.CONVERGE, () -> Files.exists(dst.resolve("f")), () -> !run.isAlive(), () -> outputSoFar(run));
    assertThat(dst.resolve("f")).as(outputSoFar(run)).exists();
    assertThat(state.resolve("www/lock")).exists();
    assertThat(Files.getAttribute(state.resolve("www/lock"), "unix:uid")).isEqualTo(NOBODY);
  }

  private Path mine(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.setAttribute(dir, "unix:uid", NOBODY);
    Files.setAttribute(dir, "unix:gid", NOBODY);
    return dir;
  }

  /** The test class path, with every entry nobody cannot read copied under the work dir. */
  private String readableClassPath() throws Exception {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
    Path libs = Files.createDirectories(work.resolve("libs"));
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String e : cp.split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (!Files.isRegularFile(p)) {
        out.add(e); // the build's classes directories: under /work, readable
        continue;
      }
      Path copy = libs.resolve((i++) + "-" + p.getFileName());
      Files.copy(p, copy);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
      out.add(copy.toString());
    }
    Files.setPosixFilePermissions(libs, PosixFilePermissions.fromString("rwxr-xr-x"));
    return String.join(File.pathSeparator, out);
  }

  private Process asNobody(String cp, Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-Duser.home=" + home, "-cp", cp, "dev.livesync.cli.Main"));
    cmd.addAll(List.of(args));
    Path log = work.resolve("out-" + started.size() + ".log");
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("LIVESYNC_STATE_DIR");
    pb.environment().remove("LIVESYNC_RUNTIME_DIR");
    pb.environment().remove("LIVESYNC_LOCK_DIR"); // the suite's (pom.xml) is root's: nobody's own is under its runtime dir
    pb.environment().put("XDG_RUNTIME_DIR", home.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    started.add(p);
    return p;
  }

  private String output(Process p) throws Exception {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return outputSoFar(p);
  }

  private String outputSoFar(Process p) throws Exception {
    return Files.readString(work.resolve("out-" + started.indexOf(p) + ".log"), StandardCharsets.ISO_8859_1);
  }
}
