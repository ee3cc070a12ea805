package dev.livesync.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Relative path → (type, size, mtime) of a tree, for "has the target converged?" checks. What
 * livesync keeps on a target for itself ({@code .livesync/}: versions with {@code --versions}) is not
 * part of the mirror and is left out.
 */
final class TreeSnapshot {
  record Entry(boolean dir, long size, long mtimeSeconds) {}

  private TreeSnapshot() {}

  static Map<String, Entry> of(Path root) {
    Map<String, Entry> out = new HashMap<>();
    Path own = root.resolve(dev.livesync.settings.Versions.DIR);
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(p -> {
        if (p.equals(root) || p.startsWith(own)) return;
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          out.put(root.relativize(p).toString(),
              new Entry(a.isDirectory(), a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis() / 1000));
        } catch (IOException vanished) {
          // changed under us; the next snapshot will tell
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return Map.of("<unreadable>", new Entry(false, -1, -1));
    }
    return out;
  }

  /** The first relative path whose content differs between the two trees, or null. */
  static String firstContentDifference(Path a, Path b, Iterable<String> files) throws IOException {
    for (String rel : files) {
      Path pa = a.resolve(rel);
      Path pb = b.resolve(rel);
      if (!Files.isRegularFile(pa, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
      if (!Files.exists(pb) || !Arrays.equals(Files.readAllBytes(pa), Files.readAllBytes(pb))) return rel;
    }
    return null;
  }
}
