package dev.livesync.transport;

import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ssh connection to a target host that every rsync run and the rename shell reuse: an
 * {@code ssh -M} child process (an OpenSSH ControlMaster) listening on a control socket in a private
 * directory. A login costs about 0.36 s on an idle loopback (most of it the remote login shell's
 * startup); a session through an existing master about a third of that, and no new authentication —
 * under hundreds of runs a second that is the difference between keeping up and falling behind.
 *
 * <p>Clients get {@code -o ControlMaster=no -o ControlPath=<socket>}: when the master is up they
 * ride on it; when it is not (not yet authenticated, dead, refused the session because sshd's
 * {@code MaxSessions} is reached) ssh logs in by itself, exactly as without a master. So the master
 * only ever saves logins; it is never needed for correctness.
 *
 * <p>It is started lazily on first use and owned by its {@link ChildProcess}: no {@code ControlPersist}
 * daemon that would escape our pid tracking, nothing ever killed by name. When it has died it is
 * started again on a later use, at most once per {@link #RESTART_INTERVAL_NANOS}, so an unreachable
 * host costs one extra connection attempt per interval, not a tight loop. {@link #close()} stops it
 * by pid and removes the socket directory.
 *
 * <p>Why the master runs a remote {@code cat >/dev/null} instead of {@code -N}: {@code ssh -N} never
 * reads its stdin, so if our JVM is killed with -9 it would live on forever (tried: it does).
 * With a session whose remote end reads stdin, the JVM's death closes the pipe, ssh forwards the
 * EOF, {@code cat} exits, and the master exits once the last client session on it has ended.
 */
final class SshMaster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SshMaster.class);
  static final long RESTART_INTERVAL_NANOS = 5_000_000_000L;
  /** ssh binds {@code <ControlPath>.<16 random chars>} first; a unix socket path holds at most 107 bytes. */
  private static final int MAX_SOCKET_PATH = 107 - 17;
  /** How many of an ssh helper's last stderr lines say why it went away. */
  static final int STDERR_LINES = 5;
  /** SIGTERM lets ssh say goodbye to the server; SIGKILL after this. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final List<String> sshArgv;
  private final String login;
  private final String describe;
  private Path dir;
  private Path socket;
  private ChildProcess process;
  private long lastStartNanos;
  private boolean started;
  private boolean closed;

  /** {@code sshArgv}: {@link SshCommand#argv}; {@code login}: {@code [user@]host}. */
  SshMaster(List<String> sshArgv, String login, String describe) {
    this.sshArgv = List.copyOf(sshArgv);
    this.login = login;
    this.describe = describe;
  }

  /**
   * The ssh options that make a client use the master ({@code -o ControlMaster=no -o ControlPath=…}),
   * starting or restarting the master first where due. Empty after {@link #close()} or when no
   * private directory can be made: the client then logs in by itself.
   */
  synchronized List<String> clientOptions() {
    if (closed) return List.of();
    if (process == null || !process.isAlive()) start();
    if (socket == null) return List.of();
    return List.of("-o", "ControlMaster=no", "-o", "ControlPath=" + socket);
  }

  /** The master's pid while it runs (for tests and logs). */
  synchronized OptionalLong pid() {
    return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
  }

  /** The control socket's path, null before the first use. */
  synchronized Path socket() {
    return socket;
  }

  private void start() {
    long now = System.nanoTime();
    if (started && now - lastStartNanos < RESTART_INTERVAL_NANOS) return;
    if (dir == null && !makeDir()) return;
    removeStaleSocket();
    started = true;
    lastStartNanos = now;
    List<String> argv = new ArrayList<>(sshArgv);
    argv.addAll(List.of("-M", "-T", "-o", "ControlPersist=no", "-o", "ControlPath=" + socket, login, "cat >/dev/null"));
    try {
      // stdin stays open and unwritten: its EOF (our close, or our death) is what ends the master
      ChildProcess p = ChildProcess.command(argv).stdout(ProcessBuilder.Redirect.DISCARD).tail(STDERR_LINES).start();
      p.onExit().thenAccept(this::exited);
      process = p;
      log.debug("{}: ssh connection master started (pid {}, {})", describe, p.pid(), socket);
    } catch (IOException e) {
      log.warn("{}: cannot start the ssh connection master ({}); every run logs in by itself", describe, e.getMessage());
    }
  }

  private void exited(ChildProcess p) {
    String why = stderrSuffix(p); // outside the lock: it waits a moment for the last lines
    synchronized (this) {
      if (p != process) return;
      if (!closed) log.debug("{}: ssh connection master (pid {}) exited with {}{}", describe, p.pid(), p.exitValue(), why);
      // a socket left by a killed master makes every client print "Connection refused" before it logs in by itself
      removeStaleSocket();
    }
  }

  /** The last stderr lines of an ssh helper, as {@code ": line | line"}; empty when it printed nothing. */
  static String stderrSuffix(ChildProcess p) {
    List<String> lines = p.tailLines().stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return lines.isEmpty() ? "" : ": " + String.join(" | ", lines);
  }

  private void removeStaleSocket() {
    try {
      if (socket != null) Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.debug("{}: cannot remove {}: {}", describe, socket, e.getMessage());
    }
  }

  /** A 0700 directory for the socket, short enough for a unix socket path. */
  private boolean makeDir() {
    var perms = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    for (Path base : List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of("/tmp"))) {
      try {
        Path d = Files.createTempDirectory(base, "livesync-ssh-", perms);
        Path s = d.resolve("cm");
        // ssh expands % tokens in ControlPath: a base holding a '%' cannot be used as is
        if (s.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH && !s.toString().contains("%")) {
          dir = d;
          socket = s;
          return true;
        }
        Files.delete(d);
      } catch (IOException | UnsupportedOperationException e) {
        log.debug("{}: cannot make a control socket directory in {}: {}", describe, base, e.getMessage());
      }
    }
    closed = true; // do not try again on every run
    log.warn("{}: no private directory for an ssh control socket; every run logs in by itself", describe);
    return false;
  }

  /** Stops the master by its pid (and anything it started, e.g. a ProxyCommand) and removes the socket directory. */
  @Override
  public void close() {
    ChildProcess p;
    Path d;
    synchronized (this) {
      if (closed && dir == null) return;
      closed = true;
      p = process;
      d = dir;
      dir = null;
    }
    if (p != null) p.stop(STOP_GRACE);
    if (d != null) {
      try (var entries = Files.list(d)) {
        for (Path f : entries.toList()) Files.deleteIfExists(f); // cm, or the temp name ssh binds first
        Files.deleteIfExists(d);
      } catch (IOException e) {
        log.debug("{}: cannot remove {}: {}", describe, d, e.getMessage());
      }
    }
  }
}
