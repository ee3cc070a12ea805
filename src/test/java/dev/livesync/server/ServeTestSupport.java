package dev.livesync.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine;

/** Helpers shared by the serve tests: free ports, password files, running the CLI in-process. */
final class ServeTestSupport {
  private ServeTestSupport() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Path passwordFile(Path dir, String password, String mode) throws IOException {
    Path f = dir.resolve("pw-" + password.hashCode() + "-" + mode);
    Files.writeString(f, password + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    CommandLine cl = dev.livesync.cli.Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs a real rsync client; returns its exit code. Output goes to {@code log}. */
  static int rsync(StringBuilder log, String... args) throws IOException, InterruptedException {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add("rsync");
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    log.append(new String(p.getInputStream().readAllBytes()));
    return p.waitFor();
  }
}
