package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock every test takes while it lowers a /proc/sys value (a limit lowered by one test would make
 * another, in this JVM, another fork or another worktree, fail for a reason not its own). A blocking
 * {@link FileChannel#lock()} on /tmp/livesync-proc-sys.lock: held until {@link #close()}.
 */
public final class ProcSysLock implements AutoCloseable {
  public static final Path FILE = Path.of("/tmp/livesync-proc-sys.lock");
  /** FileChannel locks are per JVM: threads of one JVM (parallel tests) queue here first. */
  private static final Object IN_JVM = new Object();
  private static boolean heldInJvm;

  private final FileChannel channel;
  private final FileLock lock;

  private ProcSysLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static ProcSysLock acquire() {
    synchronized (IN_JVM) {
      while (heldInJvm) {
        try {
          IN_JVM.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for " + FILE, e);
        }
      }
      heldInJvm = true;
    }
    try {
      FileChannel ch = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        return new ProcSysLock(ch, ch.lock());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      release();
      throw e;
    }
  }

  private static void release() {
    synchronized (IN_JVM) {
      heldInJvm = false;
      IN_JVM.notifyAll();
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      release();
    }
  }
}
