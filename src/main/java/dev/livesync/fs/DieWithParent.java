package dev.livesync.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Children that the kernel kills when livesync dies, even by SIGKILL: an rsync left running after
 * a {@code kill -9} could land its old copy after a restarted livesync had sent a newer one. A Java
 * child cannot set its own {@code PR_SET_PDEATHSIG} between fork and exec, so it is started through
 * util-linux's {@code setpriv --pdeathsig KILL} (the same pid: setpriv execs the program). The
 * kernel sends that signal when the <em>thread</em> that forked the child ends, not the process, so
 * every such child is forked by one platform thread that lives as long as the JVM: a worker pool's
 * thread or a virtual thread's carrier may end while the child still runs. Without setpriv, or with
 * a program not found on the PATH (its start then fails as it always did), the child starts as is.
 */
final class DieWithParent {
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final boolean AVAILABLE = Files.isExecutable(SETPRIV);
  private static final ExecutorService SPAWNER =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("livesync-spawner").factory());

  private DieWithParent() {}

  /** Starts {@code pb}'s command, wrapped, on the spawner thread. */
  static Process start(ProcessBuilder pb) throws IOException {
    if (!AVAILABLE || Executables.find(pb.command().getFirst(), pb.environment().get("PATH")) == null) return pb.start();
    List<String> argv = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    argv.addAll(pb.command());
    pb.command(argv);
    Future<Process> started = SPAWNER.submit(pb::start);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return started.get(); // not abandoned when interrupted: the child would run unowned
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) throw io;
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
