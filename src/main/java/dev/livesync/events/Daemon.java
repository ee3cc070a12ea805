package dev.livesync.events;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
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
    ProcessHandle.Info info = ProcessHandle.current().info();
    if (info.command().isEmpty() || info.arguments().isEmpty()) {
      err.print("Failed to daemonize!\n");
      return 1;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("setsid");
    cmd.add(info.command().get());
    cmd.addAll(List.of(info.arguments().get()));
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
}
