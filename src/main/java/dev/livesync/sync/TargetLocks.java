package dev.livesync.sync;

import dev.livesync.Exit;
import dev.livesync.LivesyncException;
import dev.livesync.settings.Dirs;
import dev.livesync.transport.TargetIdentity;
import dev.livesync.transport.TargetSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One running sync per target on this host: each sync locks, for its whole run, every name of each of
 * its targets ({@link TargetIdentity}) in {@link Dirs#targetLocks()}, one file per name (the name's
 * hash), with an exclusive lock the kernel drops when the process dies. Two syncs of two processes
 * (two configs, two instances, a {@code run} beside a {@code start}) that write one target would each
 * delete the other's files; the second is refused (exit 75) naming the first. Syncs of one config are
 * refused before this, with the same words for every kind of target ({@link Preflight#overlaps}).
 * The files hold who locked them, for the refusal's words; they are left in place (a lock file
 * removed while another process opens it would lock nothing).
 */
final class TargetLocks implements AutoCloseable {
  /** The names this process holds, with their sync: a second channel on a file this JVM locks must not be opened (closing it would drop the lock). */
  private static final Map<String, String> HELD_HERE = new ConcurrentHashMap<>();

  private final List<String> names = new ArrayList<>();
  private final List<FileChannel> channels = new ArrayList<>();

  private TargetLocks() {}

  /** Locks every target of sync {@code name}; refuses (exit 75) when another sync writes one of them, exit 73 when the lock dir cannot be made. */
  static TargetLocks acquire(List<TargetSpec> targets, String name) {
    Path dir = Dirs.targetLocks();
    var locks = new TargetLocks();
    try {
      if (!targets.isEmpty()) Dirs.createPrivate(dir);
      for (TargetSpec t : targets) {
        for (String id : TargetIdentity.of(t)) locks.lock(dir, id, t, name);
      }
      return locks;
    } catch (IOException e) {
      locks.close();
      throw new LivesyncException("cannot lock the target locks in " + dir + ": " + e.getMessage(), Exit.CANNOT_WRITE, e);
    } catch (RuntimeException e) {
      locks.close();
      throw e;
    }
  }

  private void lock(Path dir, String id, TargetSpec t, String name) throws IOException {
    String here = HELD_HERE.putIfAbsent(id, name);
    if (here != null) {
      if (here.equals(name) && names.contains(id)) return; // two spellings of one target of this sync: the preflight said so
      throw writtenBy(t, ProcessHandle.current().pid() + "\t" + here);
    }
    names.add(id);
    FileChannel ch = FileChannel.open(file(dir, id), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw writtenBy(t, holder);
    }
    channels.add(ch);
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\t" + name + "\t" + t.describe() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
  }

  /**
   * The refusal {@link #acquire} would throw because another process's sync writes one of {@code
   * targets}, or null: each lock is tried and let go at once, nothing is made. For {@code run --check}.
   */
  static LivesyncException heldElsewhere(List<TargetSpec> targets) {
    for (TargetSpec t : targets) {
      String holder = holderElsewhere(t);
      if (holder != null) return writtenBy(t, holder);
    }
    return null;
  }

  /**
   * Who, in another process, writes {@code t} ("already written by ..."), or null; also null when that
   * is sync {@code self} (non-null: the running sync being checked). For {@code doctor}.
   */
  static String heldBy(TargetSpec t, String self) {
    String holder = holderElsewhere(t);
    if (holder == null || self != null && holder.split("\t").length >= 2 && holder.split("\t")[1].equals(self)) return null;
    return words(t, holder);
  }

  private static String holderElsewhere(TargetSpec t) {
    Path dir = Dirs.targetLocks();
    for (String id : TargetIdentity.of(t)) {
      if (HELD_HERE.containsKey(id)) continue; // this process's own
      Path f = file(dir, id);
      if (!Files.isRegularFile(f)) continue;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        FileLock lock = ch.tryLock();
        if (lock == null) return holder(ch);
        lock.release();
      } catch (IOException | OverlappingFileLockException e) {
        // not ours to open: run says why when it tries
      }
    }
    return null;
  }

  private static Path file(Path dir, String id) {
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 16) + ".lock");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code holder}: "PID\tSYNC\tTARGET" as the holder wrote it (TARGET in its own words), or less. */
  private static LivesyncException writtenBy(TargetSpec t, String holder) {
    return new LivesyncException("target " + t.describe() + " is " + words(t, holder), Exit.ALREADY_RUNNING);
  }

  private static String words(TargetSpec t, String holder) {
    String[] f = holder.strip().split("\t", 3);
    String who = f.length >= 2 ? "sync " + f[1] + " (pid " + f[0] : "another livesync (" + (f[0].isEmpty() ? "pid unknown" : "pid " + f[0]);
    String as = f.length == 3 && !f[2].equals(t.describe()) ? ", which names it " + f[2] : "";
    return "already written by " + who + as + "): two syncs writing one target would delete each other's files; give each sync its own"
        + " target, or stop the other first";
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(4096);
      ch.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    for (FileChannel ch : channels) {
      try {
        ch.close(); // drops the lock
      } catch (IOException ignored) {
        // nothing held
      }
    }
    channels.clear();
    for (String id : names) HELD_HERE.remove(id);
    names.clear();
  }
}
