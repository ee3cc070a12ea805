package dev.livesync.settings;

import java.nio.file.Path;

/**
 * Where livesync keeps its files. Root: state in /var/lib/livesync, runtime (sockets, pidfile,
 * generated daemon config) in /run/livesync. Other users: ~/.local/state/livesync and
 * $XDG_RUNTIME_DIR/livesync (or /tmp/livesync-USER). LIVESYNC_STATE_DIR and LIVESYNC_RUNTIME_DIR
 * (environment or system property of the same name in lower case with dots) override both.
 * {@link #targetLocks()} is the host's, shared by every livesync of one user.
 */
public final class Dirs {
  private Dirs() {}

  public static Path state() {
    String o = override("LIVESYNC_STATE_DIR", "livesync.state.dir");
    if (o != null) return Path.of(o);
    if (isRoot()) return Path.of("/var/lib/livesync");
    return Path.of(System.getProperty("user.home"), ".local", "state", "livesync");
  }

  public static Path runtime() {
    String o = override("LIVESYNC_RUNTIME_DIR", "livesync.runtime.dir");
    if (o != null) return Path.of(o);
    if (isRoot()) return Path.of("/run/livesync");
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "livesync");
    return Path.of("/tmp", "livesync-" + System.getProperty("user.name"));
  }

  /**
   * Whether LIVESYNC_RUNTIME_DIR (or livesync.runtime.dir) names the runtime dir: then it names the
   * instance too, and {@code status}/{@code stop} look for no other (docs/operations.md).
   */
  public static boolean runtimeNamed() {
    return override("LIVESYNC_RUNTIME_DIR", "livesync.runtime.dir") != null;
  }

  /**
   * Where each running sync locks the targets it writes, one file per target ({@code
   * /run/livesync/targets} for root): the default runtime dir's, whatever LIVESYNC_RUNTIME_DIR says,
   * so that the instances of livesync@.service (each with a runtime dir of its own) see each other's.
   * LIVESYNC_LOCK_DIR (or livesync.lock.dir) overrides it.
   */
  public static Path targetLocks() {
    String o = override("LIVESYNC_LOCK_DIR", "livesync.lock.dir");
    if (o != null) return Path.of(o);
    if (isRoot()) return Path.of("/run/livesync/targets");
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "livesync", "targets");
    return Path.of("/tmp", "livesync-" + System.getProperty("user.name"), "targets");
  }

  /**
   * Makes {@code dir} with the parents it lacks, each mode 0700 (the runtime dir holds the status
   * socket, the pidfile and serve's secrets: docs/operations.md); directories already there are left as they are.
   */
  public static Path createPrivate(Path dir) throws java.io.IOException {
    return java.nio.file.Files.createDirectories(dir,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
  }

  public static boolean isRoot() {
    return uid() == 0;
  }

  /** The effective uid of this process (owner of /proc/self). */
  public static int uid() {
    try {
      return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String override(String env, String prop) {
    String p = System.getProperty(prop);
    if (p != null && !p.isEmpty()) return p;
    String e = System.getenv(env);
    return e == null || e.isEmpty() ? null : e;
  }
}
