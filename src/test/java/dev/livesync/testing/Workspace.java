package dev.livesync.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's work dir and what it started there: after each test, pass or fail, everything registered
 * is closed, the last registered first (a livesync before the daemon it writes to), then the work dir
 * is deleted. A close that throws does not keep the others from closing; its exception fails the test
 * after all are closed.
 *
 * <pre>{@code
 * @RegisterExtension final Workspace work = new Workspace("stop-test");
 *
 * var daemon = work.closing(RsyncDaemon.start(work.mkdirs("module")));
 * var p = work.livesync(List.of("run", src, daemon.url(), "--state-dir", work.resolve("state").toString()));
 * }</pre>
 *
 * The dir is made when the test's instance is, so fields may be initialized from it.
 */
public final class Workspace implements AfterEachCallback {
  private final Path dir;
  private final List<AutoCloseable> closing = new ArrayList<>();

  public Workspace(String prefix) {
    this.dir = TempFiles.dir(prefix);
  }

  public Path dir() {
    return dir;
  }

  public Path resolve(String rel) {
    return dir.resolve(rel);
  }

  /** {@code rel} under the work dir, made with its parents. */
  public Path mkdirs(String rel) {
    try {
      return Files.createDirectories(dir.resolve(rel));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Closed after the test, before what was registered earlier. */
  public synchronized <T extends AutoCloseable> T closing(T c) {
    closing.add(c);
    return c;
  }

  /** {@code livesync ARGS...} in a child JVM ({@link LivesyncProcess}), stopped after the test. */
  public LivesyncProcess livesync(List<String> args) {
    return livesync(List.of(), args, Map.of());
  }

  public LivesyncProcess livesync(List<String> args, Map<String, String> env) {
    return livesync(List.of(), args, env);
  }

  public LivesyncProcess livesync(List<String> wrapper, List<String> args, Map<String, String> env) {
    return closing(LivesyncProcess.start(wrapper, args, env));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  /** Closes everything registered, the last first, then deletes the dir; throws the first failure, the others suppressed. */
  void close() throws Exception {
    List<AutoCloseable> all;
    synchronized (this) {
      all = new ArrayList<>(closing.reversed());
      closing.clear();
    }
    Exception failed = null;
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        if (failed == null) failed = e;
        else failed.addSuppressed(e);
      }
    }
    try {
      TempFiles.deleteTree(dir);
    } catch (RuntimeException e) {
      if (failed == null) failed = e;
      else failed.addSuppressed(e);
    }
    if (failed != null) throw failed;
  }
}
