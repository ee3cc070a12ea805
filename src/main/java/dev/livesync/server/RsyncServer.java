package dev.livesync.server;

import dev.livesync.LivesyncException;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.PasswordFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup side: writes an rsyncd.conf and secrets files for a {@link ServeSpec} and runs
 * {@code rsync --daemon --no-detach} under a {@link DaemonSupervisor}. Used by {@code serve} (in the
 * foreground until a signal) and by {@code demo} (in-process, stopped by {@link #close}).
 */
public final class RsyncServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RsyncServer.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final ServeSpec spec;
  private final DaemonSupervisor supervisor;
  private final DaemonStats stats;
  /** Counted down once {@link #stop} is through: the daemon gone, its secrets removed, the last line logged. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  private RsyncServer(ServeSpec spec, DaemonSupervisor supervisor, DaemonStats stats) {
    this.spec = spec;
    this.supervisor = supervisor;
    this.stats = stats;
  }

  /** The rsyncd.conf {@code start} would write, after the same checks (except the port's). */
  public static String printConfig(ServeSpec spec, List<String> moveCommand) {
    ServePreflight.checkModules(spec);
    return RsyncdConf.render(spec, Dirs.isRoot(), moveCommand);
  }

  /** Checks, writes the files, starts the daemon and returns once it listens. */
  public static RsyncServer start(ServeSpec spec) {
    return start(spec, "rsync", null);
  }

  /** {@code moveCommand}: how the daemon runs livesync's {@code serve-move} ({@link ModuleMoves}), or null for no renames in place. */
  public static RsyncServer start(ServeSpec spec, List<String> moveCommand) {
    return start(spec, "rsync", moveCommand);
  }

  public static RsyncServer start(ServeSpec spec, String rsyncBinary, List<String> moveCommand) {
    ServePreflight.check(spec); // every problem at once, the port's too
    writeFiles(spec, moveCommand);
    var stats = new DaemonStats(spec.modules().stream().map(ServeModule::name).toList());
    DaemonSupervisor sup =
        new DaemonSupervisor(
            List.of(rsyncBinary, "--daemon", "--no-detach", "--config=" + spec.configFile()),
            () -> Listeners.listening(spec.port()),
            READY_TIMEOUT, stats::line);
    try {
      sup.start();
    } catch (RuntimeException e) {
      removeFiles(spec); // the daemon never ran: its copies of the passwords go now, and its config
      throw e;
    }
    // What the kernel shows, not what was asked: without --address rsync listens on every address
    // of the host (0.0.0.0 and ::), which a backup server's operator must see in its log.
    List<String> at = Listeners.addresses(spec.port());
    LOG.info(
        "rsync daemon (pid {}) listening on {}{}, modules {}",
        sup.pid(), at.isEmpty() ? (spec.address() == null ? "*" : spec.address()) + ":" + spec.port() : String.join(", ", at),
        spec.address() == null ? " (every address of this host: --address or [serve] address restricts it)" : "",
        spec.modules().stream().map(ServeModule::name).toList());
    return new RsyncServer(spec, sup, stats);
  }

  public ServeSpec spec() {
    return spec;
  }

  /** The current daemon process (changes when it is restarted). */
  public long pid() {
    return supervisor.pid();
  }

  public int restarts() {
    return supervisor.restarts();
  }

  /** Sessions and bytes per module, from the daemon's log (see {@link DaemonStats}). */
  public DaemonStats stats() {
    return stats;
  }

  /** Blocks until {@link #close} (e.g. from a shutdown hook on SIGTERM/SIGINT). */
  public void awaitStopped() throws InterruptedException {
    supervisor.awaitStopped();
    stopped.await(); // not only the daemon gone: a JVM exiting now would skip the secrets' removal
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after 10 s); true if it stopped on SIGTERM. */
  public boolean stop() {
    try {
      boolean clean = supervisor.stop(STOP_GRACE);
      removeFiles(spec); // the daemon's copies of the passwords live only while it runs, and so does its config
      LOG.info("rsync daemon stopped{}", clean ? "" : " (had to SIGKILL)");
      return clean;
    } finally {
      stopped.countDown();
    }
  }

  @Override
  public void close() {
    if (!supervisor.stopped()) stop();
  }

  /**
   * What serve wrote in the runtime dir for the daemon, and what the daemon left there: the secrets,
   * rsyncd.conf, the modules' lock files, the renames' empty {@code move/}. The dir itself stays (it
   * may be --runtime-dir's).
   */
  private static void removeFiles(ServeSpec spec) {
    List<Path> files = new java.util.ArrayList<>();
    for (ServeModule m : spec.modules()) files.add(spec.secretsFile(m));
    files.add(spec.configFile());
    for (ServeModule m : spec.modules()) files.add(RsyncdConf.lockFile(spec, m));
    files.add(RsyncdConf.moveDir(spec)); // nothing is written into it: empty, else left alone
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        LOG.warn("not removing {}: it is not empty", f);
      } catch (IOException e) {
        LOG.warn("cannot remove {}: {}", f, e.getMessage());
      }
    }
  }

  static void writeFiles(ServeSpec spec, List<String> moveCommand) {
    try {
      Path dir = spec.runtimeDir();
      dev.livesync.settings.Dirs.createPrivate(dir); // and the runtime dir above it, when serve makes it
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      for (ServeModule m : spec.modules()) {
        if (m.user() == null) continue;
        String password = PasswordFile.read(m.passwordFile());
        writePrivate(spec.secretsFile(m), m.user() + ":" + password + "\n");
      }
      if (moveCommand != null) Files.createDirectories(RsyncdConf.moveDir(spec));
      writePrivate(spec.configFile(), RsyncdConf.render(spec, Dirs.isRoot(), moveCommand));
    } catch (IOException e) {
      throw new LivesyncException("cannot write the daemon files in " + spec.runtimeDir() + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
  }

  /** Writes {@code text} to {@code file} with mode 0600 from the first byte, atomically. */
  static void writePrivate(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
