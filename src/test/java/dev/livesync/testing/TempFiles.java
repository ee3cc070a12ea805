package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temp dirs and private files for the fixtures. Every temp dir still there when the test JVM exits
 * is deleted then (tests that forgot theirs left thousands in /tmp); {@code -Dlivesync.test.keepTemp=true}
 * keeps them for a post-mortem.
 */
public final class TempFiles {
  private TempFiles() {}

  private static final java.util.Set<Path> made = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    if (!Boolean.getBoolean("livesync.test.keepTemp")) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (Path p : made) {
          try {
            deleteTree(p);
          } catch (RuntimeException e) {
            // still mounted, or not ours any more: best effort only
          }
        }
      }, "temp-dir-cleanup"));
    }
  }

  public static Path dir(String prefix) {
    try {
      Path p = Files.createTempDirectory(prefix);
      made.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} to a file that only its owner may read (mode 0600 from creation on). */
  public static Path privateFile(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String readOrEmpty(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          dir.toFile().setWritable(true, true);
          dir.toFile().setExecutable(true, true);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
