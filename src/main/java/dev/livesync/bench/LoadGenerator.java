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
final class LoadGenerator {
  private final Path root;
  private final int minSize;
  private final int maxSize;
  private final int perDir;
  private final SplittableRandom random = new SplittableRandom(42);
  private final byte[] noise = new byte[1 << 20];
  final Map<String, Long> closedAt = new ConcurrentHashMap<>();
  final List<String> written = new ArrayList<>();
  long bytes;

  LoadGenerator(Path root, int minSize, int maxSize, int perDir) {
    this.root = root;
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.perDir = perDir;
    random.nextBytes(noise);
  }

  /** Writes {@code rate} files per second for {@code seconds}; returns the nanoTime it finished. */
  long run(double rate, double seconds) throws IOException {
    long total = Math.round(rate * seconds);
    long start = System.nanoTime();
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
    String dir = String.format("d%05d", n / perDir);
    if (n % perDir == 0) Files.createDirectories(root.resolve(dir));
    String rel = dir + "/f" + n + ".dat";
    int size = minSize + random.nextInt(maxSize - minSize + 1);
    try (OutputStream out = Files.newOutputStream(root.resolve(rel))) {
      out.write(Long.toString(n).getBytes()); // no two files share content
      int off = random.nextInt(noise.length - size);
      out.write(noise, off, size - Long.toString(n).length());
    }
    closedAt.put(rel, System.nanoTime());
    written.add(rel);
    bytes += size;
  }
}
