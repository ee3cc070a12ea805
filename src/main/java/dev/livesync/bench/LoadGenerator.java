package dev.livesync.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes files of random size in [minSize, maxSize] into {@code root} at a steady rate, a new
 * subdirectory every {@code perDir} files, and records when each file was closed (System.nanoTime).
 * This is the seed's load test: "10k–100k files, N per second".
 */
final class LoadGenerator extends Load {
  private final SplittableRandom random = new SplittableRandom(42);
  private final byte[] noise = new byte[1 << 20];
  /** When set, files were written here beforehand and the load renames them into the tree. */
  private Path staging;

  LoadGenerator(Path root, int minSize, int maxSize, int perDir) {
    super(new Shape(root, minSize, maxSize, perDir));
    random.nextBytes(noise);
  }

  /**
   * Writes the files of a coming {@link #run} into {@code dir} now (same file system, outside the
   * watched tree), so that the run only renames them in: the offered rate is then limited by the
   * tool under test, not by the writer's CPU (uploads often land this way: temp file, then rename).
   */
  void stage(Path dir, double rate, double seconds) throws IOException {
    staging = Files.createDirectories(dir);
    long total = Math.round(rate * seconds);
    for (long n = 0; n < total; n++) {
      try (OutputStream out = Files.newOutputStream(staging.resolve("f" + n + ".dat"))) {
        writeContent(out, n);
      }
    }
  }

  @Override
  long run(double rate, double seconds) throws IOException {
    long total = Math.round(rate * seconds);
    long start = System.nanoTime();
    startedAt = start;
    long n = 0;
    while (n < total) {
      long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
      while (n < due) writeOne(n++);
      long nextAt = start + (long) (n / rate * 1e9);
      long wait = nextAt - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
    }
    return System.nanoTime();
  }

  private void writeOne(long n) throws IOException {
    String dir = String.format("d%05d", n / shape.perDir());
    if (n % shape.perDir() == 0) Files.createDirectories(shape.root().resolve(dir));
    String rel = dir + "/f" + n + ".dat";
    if (staging != null) {
      Path from = staging.resolve("f" + n + ".dat");
      long size = Files.size(from);
      Files.move(from, shape.root().resolve(rel), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      done(rel, size);
      return;
    }
    int size;
    try (OutputStream out = Files.newOutputStream(shape.root().resolve(rel))) {
      size = writeContent(out, n);
    }
    done(rel, size);
  }

  private int writeContent(OutputStream out, long n) throws IOException {
    int size = shape.minSize() + random.nextInt(shape.maxSize() - shape.minSize() + 1);
    out.write(Long.toString(n).getBytes()); // no two files share content
    int off = random.nextInt(noise.length - size);
    out.write(noise, off, size - Long.toString(n).length());
    return size;
  }

  private void done(String rel, long size) {
    closed(rel, System.nanoTime(), size);
  }
}
