package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mixed file-system changes at a target rate on a source tree: create, write, append, rename file,
 * delete, mkdir, rmdir, rename dir. Single writer thread; it keeps its own list of what exists, and an
 * operation the tree refuses (raced with nothing, but e.g. a non-empty rmdir) is simply skipped.
 *
 * <pre>{@code
 * var load = MixedLoad.start(src, 1000, seed);  // ~1000 ops/s
 * ...
 * long ops = load.stop();
 * }</pre>
 */
final class MixedLoad {
  private final byte[] root;
  private final int opsPerSecond;
  private final SplittableRandom random;
  private final List<String> files = new ArrayList<>();
  private final List<String> dirs = new ArrayList<>(List.of(""));
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final Thread thread;
  private int counter;
  /** Every operation applied, with its time since the start: for the post-mortem of a failed run. */
  private final StringBuilder journal = new StringBuilder();
  private long started;

  private MixedLoad(byte[] root, int opsPerSecond, long seed) {
    this.root = root;
    this.opsPerSecond = opsPerSecond;
    this.random = new SplittableRandom(seed);
    this.thread = Thread.ofPlatform().name("mixed-load").daemon().unstarted(this::run);
  }

  static MixedLoad start(byte[] root, int opsPerSecond, long seed) {
    var l = new MixedLoad(root, opsPerSecond, seed);
    l.thread.start();
    return l;
  }

  /** Stops the writer and waits for it; returns the operations applied. */
  long stop() throws InterruptedException {
    stop.set(true);
    thread.join();
    return done.get();
  }

  long ops() {
    return done.get();
  }

  /** The operations applied, one a line ({@code ms op path [path]}); read after {@link #stop}. */
  String journal() {
    return journal.toString();
  }

  private void note(String op, String path, String to) {
    journal.append((System.nanoTime() - started) / 1_000_000).append(' ').append(op).append(' ').append(path);
    if (to != null) journal.append(' ').append(to);
    journal.append('\n');
  }

  private void run() {
    long start = System.nanoTime();
    started = start;
    while (!stop.get()) {
      long due = (System.nanoTime() - start) * opsPerSecond / 1_000_000_000L;
      if (done.get() >= due) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        step();
      } catch (RuntimeException e) {
        // refused by the tree (e.g. rmdir of a non-empty dir): skipped
      }
      done.incrementAndGet();
    }
  }

  private String child(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  private void step() {
    int r = random.nextInt(100);
    if (r < 35 || files.isEmpty()) {
      String f = child(dirs.get(random.nextInt(dirs.size())), "f" + counter++);
      Trees.write(at(root, f), content());
      files.add(f);
      note("create", f, null);
    } else if (r < 50) {
      String f = files.get(random.nextInt(files.size()));
      Trees.write(at(root, f), content());
      note("write", f, null);
    } else if (r < 60) {
      String f = files.get(random.nextInt(files.size()));
      Trees.append(at(root, f), Bytes.of("+appended " + counter++));
      note("append", f, null);
    } else if (r < 70) {
      int i = random.nextInt(files.size());
      String to = child(dirs.get(random.nextInt(dirs.size())), "r" + counter++);
      Libc.rename(at(root, files.get(i)), at(root, to));
      note("mv", files.get(i), to);
      files.set(i, to);
    } else if (r < 82) {
      String f = files.remove(random.nextInt(files.size()));
      Trees.delete(at(root, f));
      note("rm", f, null);
    } else if (r < 90 && dirs.size() < 200) {
      String d = child(dirs.get(random.nextInt(dirs.size())), "d" + counter++);
      Libc.mkdir(at(root, d), 0755);
      dirs.add(d);
      note("mkdir", d, null);
    } else if (r < 95 && dirs.size() > 1) {
      int i = 1 + random.nextInt(dirs.size() - 1);
      String d = dirs.get(i);
      Libc.rmdir(at(root, d)); // only when empty; else skipped
      dirs.remove(i);
      note("rmdir", d, null);
    } else if (dirs.size() > 1) {
      int i = 1 + random.nextInt(dirs.size() - 1);
      String from = dirs.get(i);
      String to = child(parentOf(from), "m" + counter++);
      Libc.rename(at(root, from), at(root, to));
      rewritePrefix(from, to);
      note("mvdir", from, to);
    }
  }

  private static String parentOf(String p) {
    int s = p.lastIndexOf('/');
    return s < 0 ? "" : p.substring(0, s);
  }

  private void rewritePrefix(String from, String to) {
    for (int i = 0; i < dirs.size(); i++) {
      String d = dirs.get(i);
      if (d.equals(from) || d.startsWith(from + "/")) dirs.set(i, to + d.substring(from.length()));
    }
    for (int i = 0; i < files.size(); i++) {
      String f = files.get(i);
      if (f.startsWith(from + "/")) files.set(i, to + f.substring(from.length()));
    }
  }

  private byte[] content() {
    byte[] b = new byte[1024 + random.nextInt(16 * 1024)];
    random.nextBytes(b);
    return b;
  }
}
