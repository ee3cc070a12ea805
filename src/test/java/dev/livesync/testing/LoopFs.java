package dev.livesync.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A small filesystem of its own for a test: {@code mkfs} on an image file, {@code mount -o loop} on
 * a directory, both under the test's temporary directory; {@link #close()} unmounts it and removes
 * the image. A fanotify filesystem mark on it sees only what the test does, not the machine's other
 * activity. Needs root (the test is skipped without it).
 */
public final class LoopFs implements AutoCloseable {
  private final Path image;
  private final Path mountPoint;
  private boolean mounted;

  private LoopFs(Path image, Path mountPoint) {
    this.image = image;
    this.mountPoint = mountPoint;
  }

  /** An ext4 filesystem of {@code megabytes} MiB mounted at {@code dir}/mnt. */
  public static LoopFs ext4(Path dir, int megabytes) throws Exception {
    return make(dir, megabytes, "ext4");
  }

  /** A filesystem of type {@code type} (ext2, ext4) of {@code megabytes} MiB mounted at {@code dir}/mnt. */
  public static LoopFs make(Path dir, int megabytes, String type) throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a loop filesystem needs root");
    Path image = dir.resolve("fs-" + type + ".img");
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(megabytes * 1024L * 1024L);
    }
    LoopFs fs = new LoopFs(image, mnt);
    try {
      // -N: enough inodes for tests that make tens of thousands of files
      Processes.run(List.of("mkfs." + type, "-q", "-F", "-N", Integer.toString(Math.max(16384, megabytes * 512)), image.toString()));
      Processes.run(List.of("mount", "-o", "loop", image.toString(), mnt.toString()));
      fs.mounted = true;
    } catch (RuntimeException e) {
      fs.close();
      throw e;
    }
    return fs;
  }

  public Path root() {
    return mountPoint;
  }

  /** The image file, as a line of /etc/fstab would name it. */
  public Path image() {
    return image;
  }

  /** Unmounts it (lazily when busy), as a disk pulled or an NFS share gone; {@link #mount()} brings it back. */
  public void unmount() throws InterruptedException {
    if (!mounted) return;
    try {
      Processes.run(List.of("umount", mountPoint.toString()));
    } catch (IllegalStateException busy) {
      Thread.sleep(500); // a descriptor a closing watcher still held
      Processes.run(List.of("umount", "-l", mountPoint.toString()));
    }
    mounted = false;
  }

  /** Mounts it again at its mount point. */
  public void mount() {
    if (mounted) return;
    Processes.run(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
    mounted = true;
  }

  /**
   * One ext4 of {@code megabytes} MiB for a whole test class, mounted before its first test and
   * unmounted after its last: {@code @RegisterExtension static final LoopFs.PerClass fs = LoopFs.perClass(64);}.
   */
  public static PerClass perClass(int megabytes) {
    return new PerClass(megabytes);
  }

  /** See {@link #perClass}. */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final int megabytes;
    private Path dir;
    private LoopFs fs;

    private PerClass(int megabytes) {
      this.megabytes = megabytes;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      dir = Files.createTempDirectory("loopfs");
      fs = ext4(dir, megabytes);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      try {
        if (fs != null) fs.close();
      } finally {
        if (dir != null) Trees.delete(dev.livesync.fs.Bytes.of(dir.toString()));
      }
    }

    public Path root() {
      return fs.root();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      unmount();
    } finally {
      Files.deleteIfExists(image);
    }
  }
}
