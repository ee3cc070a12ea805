package dev.livesync.events;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * -d/--daemon without fork(2): starts a copy of this JVM with the same arguments in a new session
 * (setsid), working directory /, stdin and stderr on /dev/null and stdout appended to the outfile,
 * as daemon(0, 0) plus inotifywait's redirections would leave it; the copy knows it is the daemon by
 * {@link InotifyWait#DAEMON_ENV}. The caller returns 0 at once, as inotifywait's parent does.
 */
final class Daemon {
  private Daemon() {}

  static int start(String outfile, PrintStream err) {
    Path log;
    try {
      log = Messages.path(outfile).toRealPath();
    } catch (IOException | RuntimeException e) {
      err.print(Messages.ioReason(e) + ": " + outfile + "\n");
      return 1;
    }
    List<String> self = ownCommandLine();
    if (self.isEmpty()) {
      err.print("Failed to daemonize!\n");
      return 1;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("setsid");
    cmd.addAll(self);
    var pb = new ProcessBuilder(cmd)
        .directory(new File("/"))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
    pb.environment().put(InotifyWait.DAEMON_ENV, "1");
    try {
      pb.start();
    } catch (IOException e) {
      err.print("Failed to daemonize!\n");
      return 1;
    }
    return 0;
  }

  /**
   * This JVM's command line, from /proc/self/cmdline. Not ProcessHandle.Info#arguments: the JDK gives
   * up on long command lines (a test classpath of a few dozen jars is enough) and returns nothing.
   */
  static List<String> ownCommandLine() {
    byte[] raw;
    try {
      raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException e) {
      return List.of();
    }
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < raw.length) args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
    if (args.isEmpty()) return List.of();
    // the binary itself, not argv[0] as typed (the daemon runs from /, where a relative name resolves nowhere)
    args.set(0, ProcessHandle.current().info().command().orElse(args.get(0)));
    return args;
  }
}
