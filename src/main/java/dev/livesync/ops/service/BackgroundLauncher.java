package dev.livesync.ops.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.LivesyncException;
import dev.livesync.fs.ChildProcess;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.ops.status.StatusDocument;
import dev.livesync.settings.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code livesync start}: runs a command (normally this same jar's {@code run}) in its own session
 * with output appended to a log file, records its pid, and waits until it says over its status
 * socket that it is running. Fails with the log's tail if it exits or is not ready in time.
 */
public final class BackgroundLauncher {
  /** Names, in the started process's environment, the file its standard output and error append to. */
  public static final String OUTPUT_LOG_ENV = "LIVESYNC_OUTPUT_LOG";
  private static final int TAIL_LINES = 20;
  /** A child that never got to "running" and is stopped: SIGTERM, then SIGKILL after this. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private BackgroundLauncher() {}

  /**
   * The java command that runs {@code mainClass} (livesync's CLI, named by the caller: ops sits below cli)
   * with {@code args}, on the same JVM binary and classpath.
   */
  public static List<String> selfCommand(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the same JVM flags as this process (the launcher's: small heap, serial GC, CDS, native access)
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
    if (!cmd.contains("--enable-native-access=ALL-UNNAMED")) cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Starts {@code command} and returns its pid once its status socket reports "running" with that pid;
   * only then is the pidfile written. A second start racing this one (both found nobody on the socket)
   * sees the first answer and its own child exit 75 (the sync's state dir is locked): it fails with 75
   * and leaves the pidfile to the first.
   */
  public static long start(List<String> command, ServiceFiles files, Duration timeout) {
    if (Files.exists(files.socket()) && StatusClient.listening(files.socket())) {
      throw new LivesyncException("livesync is already running (it answers on " + files.socket() + "); 'livesync stop' first", dev.livesync.Exit.ALREADY_RUNNING);
    }
    long logFrom = sizeOf(files.logFile()); // the tail shown on failure is this start's, not an earlier run's
    ChildProcess p = launch(command, files); // never closed: it is to outlive us
    long pid = p.pid();
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastState = "no answer yet";
    while (true) {
      if (!p.isAlive()) {
        if (p.exitValue() == dev.livesync.Exit.ALREADY_RUNNING) {
          throw new LivesyncException("livesync is already running (another start won the race; it answers on " + files.socket()
              + "); 'livesync stop' first. " + files.logFile() + " says:\n" + tail(files.logFile(), logFrom), dev.livesync.Exit.ALREADY_RUNNING);
        }
        throw new LivesyncException("livesync exited with code " + p.exitValue() + " before it was running; last lines of "
            + files.logFile() + ":\n" + tail(files.logFile(), logFrom), 1);
      }
      try {
        JsonNode doc = StatusClient.document(files.socket());
        // our child's answer, not another livesync's that took the socket since the check above
        if (doc.path("pid").asLong() == pid) {
          lastState = doc.path("state").asText("?");
          if (StatusDocument.RUNNING.equals(lastState)) return recorded(p, files);
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        p.stop(STOP_GRACE);
        throw new LivesyncException("livesync was not running after " + timeout.toSeconds() + " s (state: " + lastState
            + "); stopped it. Last lines of " + files.logFile() + ":\n" + tail(files.logFile(), logFrom), 1);
      }
      sleep(100);
    }
  }

  private static long recorded(ChildProcess p, ServiceFiles files) {
    try {
      if (files.pidFile() != null) Files.writeString(files.pidFile(), p.pid() + "\n");
      return p.pid();
    } catch (IOException e) {
      p.stop(STOP_GRACE);
      throw new LivesyncException("cannot write the pidfile " + files.pidFile() + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static ChildProcess launch(List<String> command, ServiceFiles files) {
    List<String> cmd = new ArrayList<>();
    // its own session: the terminal's ^C and hangup do not reach it
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid");
    cmd.addAll(command);
    try {
      // as run says of its --log-file: a missing directory is made; one that cannot be, or a file not writable, is 73
      Files.createDirectories(files.logFile().toAbsolutePath().getParent());
      // made 0640, as the run makes it again after logrotate renamed it (dev.livesync.fs.StandardOutput): one mode for one log
      if (!Files.exists(files.logFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(files.logFile(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
      }
      Files.newOutputStream(files.logFile(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND).close();
    } catch (IOException e) {
      throw new LivesyncException("cannot write the log file " + files.logFile() + ": check that its directory exists and is writable by this user",
          dev.livesync.Exit.CANNOT_WRITE, e);
    }
    try {
      if (files.pidFile() != null) Dirs.createPrivate(files.pidFile().toAbsolutePath().getParent()); // the runtime dir: 0700
      return ChildProcess.command(cmd).noStdin()
          .stdout(ProcessBuilder.Redirect.appendTo(files.logFile().toFile())).mergeStderr()
          // the child must find the same runtime and state dirs (socket, pidfile) as this process
          .env("LIVESYNC_RUNTIME_DIR", Dirs.runtime().toString())
          .env("LIVESYNC_STATE_DIR", Dirs.state().toString())
          .env("LIVESYNC_LOCK_DIR", Dirs.targetLocks().toString()) // and the same target locks
          .env(PIDFILE_ENV, files.pidFile() == null ? "" : files.pidFile().toAbsolutePath().toString())
          // the file its stdout and stderr append to: reopened on SIGHUP after logrotate renamed it
          .env(OUTPUT_LOG_ENV, files.logFile().toAbsolutePath().toString())
          .start();
    } catch (IOException e) {
      throw new LivesyncException("cannot start " + command.getFirst() + ": " + e.getMessage(), 1, e);
    }
  }

  /** Names, for the run start leaves running, the pidfile start writes for it once it runs. */
  static final String PIDFILE_ENV = "LIVESYNC_PIDFILE";

  /**
   * The run that start left running stopped on a signal (a {@code kill}, not only {@code livesync stop},
   * which removes it itself): its pidfile goes with it, when it still names this process, so that
   * status does not take the stop for a crash.
   */
  public static void pidFileGone() {
    String f = System.getenv(PIDFILE_ENV);
    if (f == null || f.isEmpty()) return;
    try {
      if (Files.readString(Path.of(f)).strip().equals(Long.toString(ProcessHandle.current().pid()))) Files.delete(Path.of(f));
    } catch (IOException e) {
      // not there (yet), or not ours to remove: status tells
    }
  }

  /** The last lines of a log file, for error messages. */
  public static String tail(Path log) {
    return tail(log, 0);
  }

  /** The last lines of what was appended to a log file from byte {@code from} on. */
  static String tail(Path log, long from) {
    try {
      byte[] all = Files.readAllBytes(log);
      int start = from <= all.length ? (int) from : 0; // shorter than before: rotated meanwhile
      List<String> lines = new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LivesyncException("interrupted", dev.livesync.Exit.INTERRUPTED, e);
    }
  }
}
